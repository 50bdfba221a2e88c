package graph_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"coursegraph/apitest"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/vektah/gqlparser/v2/ast"
)

// payloadFixture makes what one call of a mutation needs, for a caller with
// id self (signed in as caller), or an anonymous caller (self empty): the field's arguments, as written in
// the document, and the variables they use (declared as $name: Type in decls).
type payloadFixture func(f *payloadFixtures, caller *apitest.API, self string) (args, decls string, vars map[string]any)

// payloadFixtures builds fresh rows for each call, so that no call depends on
// another (nor on seed data).
type payloadFixtures struct {
	t     *testing.T
	s     *store.Store
	admin *apitest.API
	n     atomic.Int64
	// batches counts the batches made, for their hours and ordinals.
	batches atomic.Int64
}

func (f *payloadFixtures) next() int64 { return f.n.Add(1) }

func (f *payloadFixtures) user(role models.Role) *models.User {
	return f.admin.AddUser(fmt.Sprintf("user%d-%s@example.com", f.next(), strings.ToLower(string(role))), role)
}

// article writes an article as editor (an EDITOR, signed in) and publishes it when
// published.
func (f *payloadFixtures) article(editor *apitest.API, published bool) string {
	data := editor.OK(`mutation($t: String!) { createArticle(input: {title: $t, body: "Some **words**."}) { id } }`,
		map[string]any{"t": fmt.Sprintf("Article %d", f.next())})

	id := apitest.IDOf(f.t, data, "createArticle", "id")
	if published {
		editor.OK(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, map[string]any{"id": id})
	}
	return id
}

// batch inserts a batch whose hours overlap no other fixture's.
func (f *payloadFixtures) batch() *models.Batch {
	n := int(f.batches.Add(1))
	start := n * 20 // minutes: the night and morning hours, before createBatch's
	return storetest.CreateBatch(f.t, f.s, func(b *models.Batch) {
		b.Ordinal, b.StartTime, b.EndTime = n, models.LocalTime(start), models.LocalTime(start+15)
	})
}

func (f *payloadFixtures) comment(article string) string {
	data := f.admin.OK(`mutation($a: ID!) { postComment(input: {articleId: $a, authorName: "Reader", authorEmail: "reader@example.com", body: "Nice post."}) { id } }`,
		map[string]any{"a": article})

	return apitest.IDOf(f.t, data, "postComment", "id")
}

func (f *payloadFixtures) enquiry() string {
	data := f.admin.OK(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"message": fmt.Sprintf("Question %d", f.next())}))
	return apitest.IDOf(f.t, data, "submitEnquiry", "id")
}

// payloadFixturesByMutation makes each mutation's arguments. A mutation missing
// here fails the test.
var payloadFixturesByMutation = map[string]payloadFixture{
	"login": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		u := f.user(models.RoleStaff)
		return `email: $e, password: $p`, `$e: String!, $p: String!`, map[string]any{"e": u.Email, "p": apitest.Password}
	},
	"logout": func(*payloadFixtures, *apitest.API, string) (string, string, map[string]any) { return "", "", nil },
	"changePassword": func(*payloadFixtures, *apitest.API, string) (string, string, map[string]any) {
		return `current: $c, new: $n`, `$c: String!, $n: String!`, map[string]any{"c": apitest.Password, "n": "another long passphrase 7"}
	},
	"createUser": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `input: {name: "New", email: $e, role: STAFF, password: "a long enough password"}`, `$e: String!`,
			map[string]any{"e": fmt.Sprintf("new%d@example.com", f.next())}
	},
	"updateUser": func(_ *payloadFixtures, _ *apitest.API, self string) (string, string, map[string]any) {
		return `id: $id, input: {bio: "Teaches Excel."}`, `$id: ID!`, map[string]any{"id": self}
	},
	"deactivateUser": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id`, `$id: ID!`, map[string]any{"id": f.user(models.RoleStaff).GlobalID()}
	},
	"createCourse": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `input: {title: $t, category: "Programming", durationMonths: 2, sessionsPerWeek: 2, weekdays: [FRIDAY, SATURDAY], fee: "7000"}`,
			`$t: String!`, map[string]any{"t": fmt.Sprintf("Python %d", f.next())}
	},
	"updateCourse": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id, input: {summary: "Updated."}`, `$id: ID!`, map[string]any{"id": storetest.CreateCourse(f.t, f.s).GlobalID()}
	},
	"archiveCourse": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id`, `$id: ID!`, map[string]any{"id": storetest.CreateCourse(f.t, f.s).GlobalID()}
	},
	"createBatch": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		n := f.batches.Add(1)
		start := 18*60 + n*20 // evening hours, after every fixture batch
		return `input: {name: $n, ordinal: $o, startTime: $s, endTime: $e, period: EVENING}`, `$n: String!, $o: Int!, $s: LocalTime!, $e: LocalTime!`,
			map[string]any{"n": fmt.Sprintf("Late %d", n), "o": n, "s": fmt.Sprintf("%02d:%02d", start/60, start%60), "e": fmt.Sprintf("%02d:%02d", (start+15)/60, (start+15)%60)}
	},
	"updateBatch": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id, input: {name: $n}`, `$id: ID!, $n: String!`,
			map[string]any{"id": f.batch().GlobalID(), "n": fmt.Sprintf("Renamed %d", f.next())}
	},
	"deleteBatch": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id`, `$id: ID!`, map[string]any{"id": f.batch().GlobalID()}
	},
	"createSchedule": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `input: {courseId: $c, batchId: $b, capacity: 10}`, `$c: ID!, $b: ID!`, map[string]any{
			"c": storetest.CreateCourse(f.t, f.s).GlobalID(), "b": f.batch().GlobalID()}
	},
	"updateSchedule": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		sc := storetest.CreateSchedule(f.t, f.s, storetest.CreateCourse(f.t, f.s), f.batch())
		return `id: $id, input: {capacity: 30}`, `$id: ID!`, map[string]any{"id": sc.GlobalID()}
	},
	"deleteSchedule": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		sc := storetest.CreateSchedule(f.t, f.s, storetest.CreateCourse(f.t, f.s), f.batch())
		return `id: $id`, `$id: ID!`, map[string]any{"id": sc.GlobalID()}
	},
	"createArticle": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `input: {title: $t, body: "Hello."}`, `$t: String!`, map[string]any{"t": fmt.Sprintf("Matrix %d", f.next())}
	},
	"updateArticle": func(f *payloadFixtures, caller *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id, input: {summary: "Updated."}`, `$id: ID!`, map[string]any{"id": f.article(caller, false)}
	},
	"publishArticle": func(f *payloadFixtures, caller *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id`, `$id: ID!`, map[string]any{"id": f.article(caller, false)}
	},
	"unpublishArticle": func(f *payloadFixtures, caller *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id`, `$id: ID!`, map[string]any{"id": f.article(caller, true)}
	},
	"deleteArticle": func(f *payloadFixtures, caller *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id`, `$id: ID!`, map[string]any{"id": f.article(caller, false)}
	},
	"postComment": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `input: {articleId: $a, authorName: "Reader", authorEmail: "reader@example.com", body: $b}`, `$a: ID!, $b: String!`,
			map[string]any{"a": f.article(f.admin, true), "b": fmt.Sprintf("Comment %d", f.next())}
	},
	"moderateComment": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id, status: APPROVED`, `$id: ID!`, map[string]any{"id": f.comment(f.article(f.admin, true))}
	},
	"deleteComment": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id`, `$id: ID!`, map[string]any{"id": f.comment(f.article(f.admin, true))}
	},
	"renameTag": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		n := f.next()
		data := f.admin.OK(`mutation($t: String!, $tag: String!) { createArticle(input: {title: $t, body: "Words.", tags: [$tag]}) { tags { id } } }`,
			map[string]any{"t": fmt.Sprintf("Tagged %d", n), "tag": fmt.Sprintf("topic %d", n)})

		var got struct {
			CreateArticle struct{ Tags []struct{ ID string } }
		}
		if err := json.Unmarshal(data, &got); err != nil || len(got.CreateArticle.Tags) != 1 {
			f.t.Fatalf("tagged article: %s %v", data, err)
		}
		return `id: $id, name: $n`, `$id: ID!, $n: String!`, map[string]any{"id": got.CreateArticle.Tags[0].ID, "n": fmt.Sprintf("Subject %d", n)}
	},
	"erasePersonalData": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		f.comment(f.article(f.admin, true)) // by reader@example.com
		return `email: $e`, `$e: String!`, map[string]any{"e": "reader@example.com"}
	},
	"submitEnquiry": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `input: {name: "R", email: "r@example.com", message: $m}`, `$m: String!`, map[string]any{"m": fmt.Sprintf("Hello %d", f.next())}
	},
	"updateEnquiry": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `id: $id, input: {status: IN_PROGRESS, version: 1}`, `$id: ID!`, map[string]any{"id": f.enquiry()}
	},
	"addEnquiryNote": func(f *payloadFixtures, _ *apitest.API, _ string) (string, string, map[string]any) {
		return `enquiryId: $id, body: "Noted."`, `$id: ID!`, map[string]any{"id": f.enquiry()}
	},
}

// selectAll writes a selection of every field of typ that takes no required
// argument, objects down to depth levels (then only their scalars). Below the
// top level (the rows the answer relates to, such as a comment's article) it
// leaves out the fields that role may not read anywhere.
func selectAll(schema *ast.Schema, typ *ast.Definition, depth int, role models.Role, top bool) string {
	var parts []string
	for _, fd := range typ.Fields {
		if strings.HasPrefix(fd.Name, "__") || requiresArgs(fd) {
			continue
		}
		if need := declaredRole(fd); !top && need != "" && (role == "" || !role.Includes(need)) {
			continue
		}
		def := schema.Types[fd.Type.Name()]
		switch def.Kind {
		case ast.Scalar, ast.Enum:
			parts = append(parts, fd.Name)
		case ast.Object:
			if depth > 0 {
				if sub := selectAll(schema, def, depth-1, role, false); sub != "" {
					parts = append(parts, fd.Name+" { "+sub+" }")
				}
			}
		default: // interfaces and unions
			parts = append(parts, fd.Name+" { __typename }")
		}
	}
	return strings.Join(parts, " ")
}

func requiresArgs(fd *ast.FieldDefinition) bool {
	for _, a := range fd.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// TestEveryMutationAnswersWhatItsCallerMayRead calls every mutation as each role
// that may call it (anonymous too, for the public ones), selecting every field of
// its answer (and of the rows it relates to, two levels deep, what the caller
// may read of them), and finds no error: a write that was stored is
// never answered with an error that would make its client try again.
func TestEveryMutationAnswersWhatItsCallerMayRead(t *testing.T) {
	schema := loadSchema(t)
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		f := &payloadFixtures{t: t, s: s, admin: a}
		f.admin = a.SignIn(f.user(models.RoleAdmin).Email, apitest.Password)
		names := make([]string, 0, len(schema.Mutation.Fields))
		for _, fd := range schema.Mutation.Fields {
			names = append(names, fd.Name)
		}
		sort.Strings(names)
		for _, name := range names {
			fd := schema.Mutation.Fields.ForName(name)
			fixture, ok := payloadFixturesByMutation[name]
			if !ok {
				t.Errorf("mutation %s has no row in payloadFixturesByMutation", name)
				continue
			}
			least := declaredRole(fd)
			t.Run(name, func(t *testing.T) {
				for _, role := range []models.Role{"", models.RoleStaff, models.RoleEditor, models.RoleAdmin} {
					if least != "" && (role == "" || !role.Includes(least)) {
						continue
					}
					caller, self := a, ""
					if role != "" {
						u := f.user(role)
						caller, self = a.SignIn(u.Email, apitest.Password), u.GlobalID()
					}
					args, decls, vars := fixture(f, caller, self)
					selection := ""
					if def := schema.Types[fd.Type.Name()]; def.Kind == ast.Object {
						selection = " { " + selectAll(schema, def, 2, role, true) + " }"
					}
					doc := "mutation"
					if decls != "" {
						doc += "(" + decls + ")"
					}
					doc += " { " + name
					if args != "" {
						doc += "(" + args + ")"
					}
					doc += selection + " }"
					resp, _ := caller.Post(doc, vars)
					if len(resp.Errors) > 0 || len(resp.Data) == 0 || string(resp.Data) == "null" {
						t.Errorf("as %q: %s %+v\n%s", role, resp.Data, resp.Errors, doc)
					}
				}
			})
		}
	})
}
