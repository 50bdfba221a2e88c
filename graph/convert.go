package graph

import (
	"context"
	"errors"

	"coursegraph/graph/loaders"
	"coursegraph/graph/model"
	"coursegraph/models"
	"coursegraph/service"

	"github.com/99designs/gqlgen/graphql"
)

// nullIfNotFound turns NotFound into a null answer, for nullable lookups such as
// course(slug:); every other error stands.
func nullIfNotFound[T any](v *T, err error) (*T, error) {
	var me *models.Error
	if errors.As(err, &me) && me.Code == models.NotFound {
		return nil, nil
	}
	return v, err
}

// node looks up any entity by its global id; null when there is none.
func (r *queryResolver) node(ctx context.Context, gid string) (models.Node, error) {
	kind, id, err := models.ParseGlobalID(gid, "id")
	if err != nil {
		return nil, err
	}
	find, ok := nodeFinders[kind]
	if !ok {
		return nil, models.InvalidField("id", "is not a valid id")
	}
	return find(r.Service, ctx, id)
}

// nodeFinder finds the entity of one kind with a key, as the viewer may see it.
type nodeFinder func(*service.Service, context.Context, uint) (models.Node, error)

// nodeFinders is node(id:)'s one lookup per kind of global id (a test checks
// that every node type of the schema has one).
var nodeFinders = map[string]nodeFinder{
	models.KindCourse:      finder((*service.Service).Course),
	models.KindBatch:       finder((*service.Service).Batch),
	models.KindSchedule:    finder((*service.Service).Schedule),
	models.KindUser:        finder((*service.Service).User),
	models.KindArticle:     finder((*service.Service).Article),
	models.KindComment:     finder((*service.Service).Comment),
	models.KindEnquiry:     finder((*service.Service).Enquiry),
	models.KindEnquiryNote: finder((*service.Service).EnquiryNote),
	models.KindTag:         finder((*service.Service).Tag),
	models.KindAuditEntry:  finder((*service.Service).AuditEntry),
}

// finder makes a service lookup a nodeFinder: a missing entity is null.
func finder[T any, PT interface {
	*T
	models.Node
}](find func(*service.Service, context.Context, uint) (PT, error)) nodeFinder {
	return func(s *service.Service, ctx context.Context, id uint) (models.Node, error) {
		v, err := find(s, ctx, id)
		if me, ok := errors.AsType[*models.Error](err); ok && me.Code == models.NotFound {
			return nil, nil
		}
		if err != nil || v == nil {
			return nil, err // a nil entity as an untyped nil, so that the answer is null
		}
		return v, nil
	}
}

// userInput converts the create-user input; the password travels apart.
func userInput(in model.CreateUserInput) models.UserInput {
	return models.UserInput{Name: &in.Name, Email: &in.Email, Role: &in.Role, Bio: in.Bio, AvatarURL: in.AvatarURL}
}

// related loads an article's related articles through the loaders: one query for
// the ids of a whole page's related articles and one for the articles.
func (r *articleResolver) related(ctx context.Context, a *models.Article, first *int) ([]*models.Article, error) {
	n := 3
	if first != nil {
		if *first < 1 || *first > 20 {
			return nil, models.InvalidField("first", "must be between 1 and 20")
		}
		n = *first
	}
	l := loaders.For(ctx)
	ids, err := l.Related(n).Load(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*models.Article, 0, len(ids))
	for _, id := range ids {
		related, err := nullIfNotFound(l.ArticleByID.Load(ctx, id))
		if err != nil {
			return nil, err
		}
		if related != nil {
			out = append(out, related)
		}
	}
	return out, nil
}

// withID reads the global id argument "id", which must be of kind, and calls fn
// with its key.
func withID[T any](gid, kind string, fn func(key uint) (T, error)) (T, error) {
	key, err := parseID(gid, kind, "id")
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(key)
}

// loadOptional loads an optional relation: nil when the key is nil.
func loadOptional[V any](ctx context.Context, l *loaders.Loader[uint, *V], key *uint) (*V, error) {
	if key == nil {
		return nil, nil
	}
	return l.Load(ctx, *key)
}

// IdempotencyKeyHeader lets a client retry a submission without making a second
// enquiry; the input field of the same name wins over it.
const IdempotencyKeyHeader = "Idempotency-Key"

// withIdempotencyKey returns key, or the Idempotency-Key header when key is nil.
func withIdempotencyKey(ctx context.Context, key *string) *string {
	if key == nil && graphql.HasOperationContext(ctx) {
		if h := graphql.GetOperationContext(ctx).Headers.Get(IdempotencyKeyHeader); h != "" {
			return &h
		}
	}
	return key
}
