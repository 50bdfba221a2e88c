package graph

import (
	"context"
	"errors"

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
		found, err := nullIfNotFound((*T)(v), err)
		if err != nil || found == nil {
			return nil, err // a nil entity as an untyped nil, so that the answer is null
		}
		return PT(found), nil
	}
}

// userInput converts the create-user input; the password travels apart.
func userInput(in model.CreateUserInput) models.UserInput {
	return models.UserInput{Name: &in.Name, Email: &in.Email, Role: &in.Role, Bio: in.Bio, AvatarURL: in.AvatarURL}
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
