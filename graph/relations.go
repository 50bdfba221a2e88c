package graph

import (
	"context"
	"slices"

	"coursegraph/graph/loaders"
	"coursegraph/models"
	"coursegraph/service"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Each relation (a field that loads related rows) is declared once, below: its
// parent type, its field, its typed key, its loader and its arguments. The one
// declaration serves three readers:
//
//   - the field resolver (schema.resolvers.go calls the declaration's resolve);
//   - the hints: when entities of a type are at hand (a page of articles, the
//     schedules a loader fetched), each relation of the type hints its keys to its
//     loader, so that a level of a response is one statement whatever the parents
//     (relationHints gives these to the loaders);
//   - loading ahead (ahead.go): a resolver that returns a list walks the
//     query's selection below it and loads each declared relation it selects, a
//     level at a time, before gqlgen starts on the elements, so that no element
//     waits on a loader.
//
// A test (relations_internal_test.go) reads the schema and gqlgen.yml and fails
// when a relation field has no declaration, or a declaration names no such field.

// The relations of each GraphQL object type, by the Go type of its values.
var (
	courseRels      = relations[*models.Course]{implementors: courseImplementors, seen: (*loaders.Loaders).Courses}
	scheduleRels    = relations[*models.Schedule]{implementors: scheduleImplementors, seen: (*loaders.Loaders).Schedules}
	batchRels       = relations[*models.Batch]{implementors: batchImplementors, seen: (*loaders.Loaders).Batches}
	articleRels     = relations[*models.Article]{implementors: articleImplementors, seen: (*loaders.Loaders).Articles}
	tagRels         = relations[*models.Tag]{implementors: tagImplementors, seen: (*loaders.Loaders).Tags}
	commentRels     = relations[*models.Comment]{implementors: commentImplementors}
	enquiryRels     = relations[*models.Enquiry]{implementors: enquiryImplementors}
	noteRels        = relations[*models.EnquiryNote]{implementors: enquiryNoteImplementors}
	auditEntryRels  = relations[*models.AuditEntry]{implementors: auditEntryImplementors}
	courseCountRels = relations[*service.CourseCount]{implementors: enquiryCourseCountImplementors}
	userRels        = relations[*models.User]{implementors: userImplementors} // none: a leaf
)

// The connections (pages) whose nodes are walked.
var (
	courseConnection = connection[*service.CourseConnection, *models.Course]{courseConnectionImplementors, courseEdgeImplementors, func(c *service.CourseConnection) []*models.Course {
		return nodesOf(c.Edges, func(e *service.CourseEdge) *models.Course { return e.Node })
	}, &courseRels}
	scheduleConnection = connection[*service.ScheduleConnection, *models.Schedule]{scheduleConnectionImplementors, scheduleEdgeImplementors, func(c *service.ScheduleConnection) []*models.Schedule {
		return nodesOf(c.Edges, func(e *service.ScheduleEdge) *models.Schedule { return e.Node })
	}, &scheduleRels}
	articleConnection = connection[*service.ArticleConnection, *models.Article]{articleConnectionImplementors, articleEdgeImplementors, func(c *service.ArticleConnection) []*models.Article {
		return nodesOf(c.Edges, func(e *service.ArticleEdge) *models.Article { return e.Node })
	}, &articleRels}
	commentConnection = connection[*service.CommentConnection, *models.Comment]{commentConnectionImplementors, commentEdgeImplementors, func(c *service.CommentConnection) []*models.Comment {
		return nodesOf(c.Edges, func(e *service.CommentEdge) *models.Comment { return e.Node })
	}, &commentRels}
	enquiryConnection = connection[*service.EnquiryConnection, *models.Enquiry]{enquiryConnectionImplementors, enquiryEdgeImplementors, func(c *service.EnquiryConnection) []*models.Enquiry {
		return nodesOf(c.Edges, func(e *service.EnquiryEdge) *models.Enquiry { return e.Node })
	}, &enquiryRels}
	auditEntryConnection = connection[*service.AuditEntryConnection, *models.AuditEntry]{auditEntryConnectionImplementors, auditEntryEdgeImplementors, func(c *service.AuditEntryConnection) []*models.AuditEntry {
		return nodesOf(c.Edges, func(e *service.AuditEntryEdge) *models.AuditEntry { return e.Node })
	}, &auditEntryRels}
)

// A connection's fields that lead to its nodes.
const edgesField, nodeField = "edges", "node"

// The relations. Within a type, loading ahead follows the order declared here.
var (
	courseSchedules = many(&courseRels, "schedules", courseID, courseSchedulesLoader, &scheduleRels)

	scheduleCourse = one(&scheduleRels, "course", func(s *models.Schedule) (loaders.CourseID, bool) { return loaders.CourseID(s.CourseID), true },
		nil, coursesLoader, &courseRels)
	// A schedule's batch is usually read with it (LoadedBatch).
	scheduleBatch = one(&scheduleRels, "batch", func(s *models.Schedule) (loaders.BatchID, bool) { return loaders.BatchID(s.BatchID), true },
		func(_ *loaders.Loaders, s *models.Schedule) (*models.Batch, bool) {
			return s.LoadedBatch, s.LoadedBatch != nil
		}, batchesLoader, &batchRels)

	batchSchedules = many(&batchRels, "schedules", func(b *models.Batch) loaders.BatchID { return loaders.BatchID(b.ID) },
		batchSchedulesLoader, &scheduleRels)

	// An article's author is read with it (LoadedAuthor), with the columns the
	// caller may see (the service reads for staff with ForStaff): the public ones
	// for readers, never the password hash.
	articleAuthor = one(&articleRels, "author", func(a *models.Article) (loaders.UserID, bool) { return loaders.UserID(a.AuthorID), true },
		func(_ *loaders.Loaders, a *models.Article) (*models.User, bool) {
			return a.LoadedAuthor, a.LoadedAuthor != nil
		}, usersLoader, &userRels)
	articleTags = many(&articleRels, "tags", articleID, articleTagsLoader, &tagRels)
	// An article's first comments come before its commentCount: reading them tells
	// the count of an article whose first page is not full (loaders.FirstComments).
	articleComments = paged(&articleRels, "comments", articleID, (*loaders.Loaders).HintArticlePages, readCommentsArgs,
		func(ctx context.Context, l *loaders.Loaders, a commentsArgs, key loaders.ArticleID) (*service.CommentConnection, error) {
			return l.FirstComments(a.status, a.first, a.counted).Load(ctx, key)
		},
		func(ctx context.Context, svc *service.Service, p *models.Article, a commentsArgs) (*service.CommentConnection, error) {
			return svc.Comments(ctx, p, a.status, a.first, a.after)
		}, &commentConnection)
	articleCommentCount = one(&articleRels, "commentCount", articleKey, nil, commentCountsLoader, nil)
	articleRelated      = pagedList(&articleRels, "related", articleID, (*loaders.Loaders).HintArticlePages, readRelatedArgs, relatedArticles, &articleRels)

	tagArticleCount = one(&tagRels, "articleCount", func(t *models.Tag) (loaders.TagID, bool) { return loaders.TagID(t.ID), true },
		nil, articleCountsLoader, nil)
	tagArticles = paged(&tagRels, "articles", func(t *models.Tag) loaders.TagID { return loaders.TagID(t.ID) }, (*loaders.Loaders).HintTagPages, readTagArticlesArgs,
		func(ctx context.Context, l *loaders.Loaders, a tagArticlesArgs, key loaders.TagID) (*service.ArticleConnection, error) {
			return l.FirstTagArticles(a.first).Load(ctx, key)
		},
		func(ctx context.Context, svc *service.Service, t *models.Tag, a tagArticlesArgs) (*service.ArticleConnection, error) {
			return svc.Articles(ctx, &models.ArticleFilter{Tag: &t.Slug}, nil, a.first, a.after, false)
		}, &articleConnection)

	commentArticle = one(&commentRels, "article", func(c *models.Comment) (loaders.ArticleID, bool) { return loaders.ArticleID(c.ArticleID), true },
		nil, articlesLoader, &articleRels)

	// An enquiry's schedule and notes come first: fetching them hints their
	// courses and authors into the groups of the enquiries' own courses and
	// assignees, so that courses and users are one statement each, whatever path
	// reaches them.
	enquirySchedule = one(&enquiryRels, "schedule", func(e *models.Enquiry) (loaders.ScheduleID, bool) { return optional[loaders.ScheduleID](e.ScheduleID) },
		nil, schedulesLoader, &scheduleRels)
	enquiryNotes = many(&enquiryRels, "notes", func(e *models.Enquiry) loaders.EnquiryID { return loaders.EnquiryID(e.ID) },
		notesLoader, &noteRels)
	enquiryCourse = one(&enquiryRels, "course", func(e *models.Enquiry) (loaders.CourseID, bool) { return optional[loaders.CourseID](e.CourseID) },
		nil, coursesLoader, &courseRels)
	enquiryAssignee = one(&enquiryRels, "assignee", func(e *models.Enquiry) (loaders.UserID, bool) { return optional[loaders.UserID](e.AssigneeID) },
		nil, usersLoader, &userRels)

	noteAuthor = one(&noteRels, "author", func(n *models.EnquiryNote) (loaders.UserID, bool) { return loaders.UserID(n.AuthorID), true },
		nil, usersLoader, &userRels)

	// Actor 0 is the server's operator: no user.
	auditEntryActor = one(&auditEntryRels, "actor", func(e *models.AuditEntry) (loaders.UserID, bool) { return loaders.UserID(e.ActorID), e.ActorID != 0 },
		nil, usersLoader, &userRels)

	courseCountCourse = one(&courseCountRels, "course", func(c *service.CourseCount) (loaders.CourseID, bool) { return optional[loaders.CourseID](c.CourseID) },
		nil, coursesLoader, &courseRels)
)

// relationHints are the hints the loaders give when they fetch entities: each
// type's declared relations.
var relationHints = loaders.Hints{
	Courses:   courseRels.hint,
	Batches:   batchRels.hint,
	Schedules: scheduleRels.hint,
	Articles:  articleRels.hint,
	Tags:      tagRels.hint,
	Notes:     noteRels.hint,
}

// The loaders, by what they load.

func coursesLoader(l *loaders.Loaders) *loaders.Loader[loaders.CourseID, *models.Course] {
	return l.CourseByID
}

func batchesLoader(l *loaders.Loaders) *loaders.Loader[loaders.BatchID, *models.Batch] {
	return l.BatchByID
}

func schedulesLoader(l *loaders.Loaders) *loaders.Loader[loaders.ScheduleID, *models.Schedule] {
	return l.ScheduleByID
}

func usersLoader(l *loaders.Loaders) *loaders.Loader[loaders.UserID, *models.User] {
	return l.UserByID
}

func articlesLoader(l *loaders.Loaders) *loaders.Loader[loaders.ArticleID, *models.Article] {
	return l.ArticleByID
}

func courseSchedulesLoader(l *loaders.Loaders) *loaders.Loader[loaders.CourseID, []*models.Schedule] {
	return l.SchedulesByCourseID
}

func batchSchedulesLoader(l *loaders.Loaders) *loaders.Loader[loaders.BatchID, []*models.Schedule] {
	return l.SchedulesByBatchID
}

func articleTagsLoader(l *loaders.Loaders) *loaders.Loader[loaders.ArticleID, []*models.Tag] {
	return l.TagsByArticleID
}

func commentCountsLoader(l *loaders.Loaders) *loaders.Loader[loaders.ArticleID, int] {
	return l.CommentCountByArticleID
}

func articleCountsLoader(l *loaders.Loaders) *loaders.Loader[loaders.TagID, int] {
	return l.ArticleCountByTagID
}

func notesLoader(l *loaders.Loaders) *loaders.Loader[loaders.EnquiryID, []*models.EnquiryNote] {
	return l.NotesByEnquiryID
}

func courseID(c *models.Course) loaders.CourseID    { return loaders.CourseID(c.ID) }
func articleID(a *models.Article) loaders.ArticleID { return loaders.ArticleID(a.ID) }
func articleKey(a *models.Article) (loaders.ArticleID, bool) {
	return loaders.ArticleID(a.ID), true
}

func optional[K ~uint](id *uint) (K, bool) {
	if id == nil {
		return 0, false
	}
	return K(*id), true
}

// The arguments of the relations that take some, read from the field's own Args
// (gqlgen's coercion of the literals and variables, as the resolver receives
// them), never from the raw selection; and, where reading them differs by what
// the field selects, that as gqlgen collects it (selects).

type commentsArgs struct {
	first  *int
	after  *string
	status *models.CommentStatus
	// counted: the counts are asked for (the pages' totalCount, or, for approved
	// comments, the articles' commentCount), so the loader counts first and reads
	// each article's first comments the cheapest way for its count.
	counted bool
}

func readCommentsArgs(ctx context.Context, fc *graphql.FieldContext) (commentsArgs, bool, error) {
	args := fc.Args
	a := commentsArgs{first: args["first"].(*int), after: args["after"].(*string), status: args["status"].(*models.CommentStatus)}
	approved := a.status == nil || *a.status == models.CommentApproved
	a.counted = selects(ctx, fc.Field, "totalCount") || approved && fc.Parent != nil && selects(ctx, fc.Parent.Field, "commentCount")
	return a, a.after == nil, nil
}

// selects reports whether the field selects a field named name, directly or
// through fragments, with the directives (@include, @skip) and variables of the
// operation. A field's parent (FieldContext.Parent) is the field whose value
// holds it, so its selection is the field's siblings.
func selects(ctx context.Context, field graphql.CollectedField, name string) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), field.Selections, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// articleHeavyFields are the Article fields whose columns a list leaves out when
// none of them is selected (store.ArticleQuery.Light).
var articleHeavyFields = []string{"body", "html", "tableOfContents", "faqs"}

// selectsAnywhere reports whether the current field's selection, at any depth,
// selects a field of typeName with one of the names: through every fragment,
// whatever its type condition or directives, so that it errs only towards yes.
func selectsAnywhere(ctx context.Context, typeName string, names ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc == nil || anywhere(fc.Field.Selections, typeName, names)
}

func anywhere(set ast.SelectionSet, typeName string, names []string) bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			// The validator sets each field's type; a field without one counts.
			onType := sel.ObjectDefinition == nil || sel.ObjectDefinition.Name == typeName
			if onType && slices.Contains(names, sel.Name) || anywhere(sel.SelectionSet, typeName, names) {
				return true
			}
		case *ast.InlineFragment:
			if anywhere(sel.SelectionSet, typeName, names) {
				return true
			}
		case *ast.FragmentSpread:
			if sel.Definition == nil || anywhere(sel.Definition.SelectionSet, typeName, names) {
				return true
			}
		}
	}
	return false
}

type tagArticlesArgs struct {
	first *int
	after *string
}

func readTagArticlesArgs(_ context.Context, fc *graphql.FieldContext) (tagArticlesArgs, bool, error) {
	a := tagArticlesArgs{first: fc.Args["first"].(*int), after: fc.Args["after"].(*string)}
	return a, a.after == nil, nil
}

// How many related articles an article gives: relatedDefault unless asked,
// relatedMax at most (setComplexity costs them the same way).
const relatedDefault, relatedMax = 3, 20

// readRelatedArgs reads how many related articles to give.
func readRelatedArgs(_ context.Context, fc *graphql.FieldContext) (int, bool, error) {
	first := fc.Args["first"].(*int)
	if first == nil {
		return relatedDefault, true, nil
	}
	if *first < 1 || *first > relatedMax {
		return 0, false, models.InvalidField("first", "must be between 1 and %d", relatedMax)
	}
	return *first, true, nil
}

// relatedArticles loads an article's related articles through the loaders: one
// query for the ids of a whole page's related articles and one for the articles.
func relatedArticles(ctx context.Context, l *loaders.Loaders, n int, key loaders.ArticleID) ([]*models.Article, error) {
	ids, err := l.Related(n).Load(ctx, key)
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
