package graph_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// gate is one gated operation or field: the least role that may use it and a
// request that reaches it. Variables: $self (the caller's id), $target (another
// user), $course, $batch, $schedule, $article, $comment, $enquiry (rows the test
// makes) and $missing<Kind> (the id of a row that does not exist).
type gate struct {
	role  models.Role // "" for public
	query string
}

// mutationGates lists every mutation. A mutation missing here fails the test, so a
// new one cannot ship without a rule.
var mutationGates = map[string]gate{
	"login":          {"", `mutation { login(email: "signin@example.com", password: "correct horse battery") { token } }`},
	"changePassword": {models.RoleStaff, `mutation { changePassword(current: "not the password", new: "another long password") }`},
	"createUser":     {models.RoleAdmin, `mutation { createUser(input: {name: "New", email: "new@example.com", role: STAFF, password: "a long enough password"}) { id } }`},
	"updateUser":     {models.RoleStaff, `mutation($self: ID!) { updateUser(id: $self, input: {bio: "Teaches Excel."}) { id } }`},
	"deactivateUser": {models.RoleAdmin, `mutation($target: ID!) { deactivateUser(id: $target) { id } }`},
	"createCourse": {models.RoleEditor, `mutation { createCourse(input: {title: "Python Basics", category: "Programming",
		durationMonths: 2, sessionsPerWeek: 2, weekdays: [FRIDAY, SATURDAY], fee: "7000"}) { id } }`},
	"updateCourse":      {models.RoleEditor, `mutation($course: ID!) { updateCourse(id: $course, input: {summary: "Updated."}) { id } }`},
	"archiveCourse":     {models.RoleEditor, `mutation($course: ID!) { archiveCourse(id: $course) { id } }`},
	"createBatch":       {models.RoleAdmin, `mutation { createBatch(input: {name: "Late", ordinal: 50, startTime: "22:30", endTime: "23:30", period: EVENING}) { id } }`},
	"updateBatch":       {models.RoleAdmin, `mutation($batch: ID!) { updateBatch(id: $batch, input: {name: "First Batch"}) { id } }`},
	"deleteBatch":       {models.RoleAdmin, `mutation($missingBatch: ID!) { deleteBatch(id: $missingBatch) }`},
	"createSchedule":    {models.RoleAdmin, `mutation($course: ID!, $batch: ID!) { createSchedule(input: {courseId: $course, batchId: $batch, capacity: 10}) { id } }`},
	"updateSchedule":    {models.RoleAdmin, `mutation($schedule: ID!) { updateSchedule(id: $schedule, input: {capacity: 30}) { id } }`},
	"deleteSchedule":    {models.RoleAdmin, `mutation($missingSchedule: ID!) { deleteSchedule(id: $missingSchedule) }`},
	"createArticle":     {models.RoleEditor, `mutation { createArticle(input: {title: "Matrix", body: "Hello."}) { id } }`},
	"updateArticle":     {models.RoleEditor, `mutation($article: ID!) { updateArticle(id: $article, input: {summary: "Updated."}) { id } }`},
	"publishArticle":    {models.RoleEditor, `mutation($article: ID!) { publishArticle(id: $article) { id } }`},
	"unpublishArticle":  {models.RoleEditor, `mutation($article: ID!) { unpublishArticle(id: $article) { id } }`},
	"deleteArticle":     {models.RoleEditor, `mutation($missingArticle: ID!) { deleteArticle(id: $missingArticle) }`},
	"postComment":       {"", `mutation($article: ID!) { postComment(input: {articleId: $article, authorName: "R", authorEmail: "r@example.com", body: "Nice post."}) { id } }`},
	"moderateComment":   {models.RoleEditor, `mutation($comment: ID!) { moderateComment(id: $comment, status: APPROVED) { id } }`},
	"deleteComment":     {models.RoleEditor, `mutation($missingComment: ID!) { deleteComment(id: $missingComment) }`},
	"erasePersonalData": {models.RoleAdmin, `mutation { erasePersonalData(email: "nobody@example.com") { enquiries } }`},
	"renameTag":         {models.RoleEditor, `mutation($missingTag: ID!) { renameTag(id: $missingTag, name: "Renamed") { id } }`},
	"submitEnquiry":     {"", `mutation { submitEnquiry(input: {name: "R", email: "r@example.com", message: "Hello"}) { id } }`},
	"updateEnquiry":     {models.RoleStaff, `mutation($enquiry: ID!) { updateEnquiry(id: $enquiry, input: {status: SPAM, version: 1}) { id } }`},
	"addEnquiryNote":    {models.RoleStaff, `mutation($enquiry: ID!) { addEnquiryNote(enquiryId: $enquiry, body: "Noted.") { id } }`},
	// Last: it signs the caller out.
	"logout": {models.RoleStaff, `mutation { logout }`},
}

// fieldGates lists every field the schema gates with @hasRole, as Type.field.
var fieldGates = map[string]gate{
	"Query.users":        {models.RoleAdmin, `{ users { id } }`},
	"Query.auditLog":     {models.RoleAdmin, `{ auditLog { totalCount } }`},
	"User.email":         {models.RoleStaff, `{ articles(first: 1) { edges { node { author { email } } } } }`},
	"User.role":          {models.RoleStaff, `{ articles(first: 1) { edges { node { author { role } } } } }`},
	"User.active":        {models.RoleStaff, `{ articles(first: 1) { edges { node { author { active } } } } }`},
	"User.createdAt":     {models.RoleStaff, `{ articles(first: 1) { edges { node { author { createdAt } } } } }`},
	"User.lastLoginAt":   {models.RoleStaff, `{ articles(first: 1) { edges { node { author { lastLoginAt } } } } }`},
	"Query.enquiries":    {models.RoleStaff, `{ enquiries { totalCount } }`},
	"Query.enquiry":      {models.RoleStaff, `query($enquiry: ID!) { enquiry(id: $enquiry) { id } }`},
	"Query.enquiryStats": {models.RoleStaff, `{ enquiryStats { total } }`},
	"Query.comments":     {models.RoleEditor, `{ comments { totalCount } }`},
	"Query.personalData": {models.RoleAdmin, `{ personalData(email: "nobody@example.com") { email } }`},
	// Subscriptions run over WebSocket; TestEnquiryReceivedSubscription refuses
	// connections without a staff token before this gate is reached.
	"Subscription.enquiryReceived": {models.RoleStaff, ""},
	// TestCommentPostedSubscription refuses it to staff who are not editors.
	"Subscription.commentPosted": {models.RoleEditor, ""},
	"Comment.status":             {models.RoleStaff, `query($comment: ID!) { node(id: $comment) { ... on Comment { status } } }`},
	"Comment.authorEmail":        {models.RoleStaff, `query($comment: ID!) { node(id: $comment) { ... on Comment { authorEmail } } }`},
}

func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	src, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	return schema
}

func declaredRole(f *ast.FieldDefinition) models.Role {
	if d := f.Directives.ForName("hasRole"); d != nil {
		return models.Role(d.Arguments.ForName("role").Value.Raw)
	}
	return ""
}

// TestEveryGateIsListedWithTheRoleTheSchemaDeclares ties the tables above to the
// schema: every mutation and every @hasRole field has a row, with the same role.
func TestEveryGateIsListedWithTheRoleTheSchemaDeclares(t *testing.T) {
	schema := loadSchema(t)
	for _, f := range schema.Mutation.Fields {
		g, ok := mutationGates[f.Name]
		if !ok {
			t.Errorf("mutation %s has no row in mutationGates: add one with its rule", f.Name)
		} else if g.role != declaredRole(f) {
			t.Errorf("mutation %s: the schema says role %q, the test %q", f.Name, declaredRole(f), g.role)
		}
	}
	for _, typ := range schema.Types {
		if typ.BuiltIn || typ.Name == "Mutation" {
			continue
		}
		for _, f := range typ.Fields {
			key := typ.Name + "." + f.Name
			if role := declaredRole(f); role != "" {
				if g, ok := fieldGates[key]; !ok || g.role != role {
					t.Errorf("%s is gated to %s in the schema but not listed so in fieldGates", key, role)
				}
			} else if _, ok := fieldGates[key]; ok {
				t.Errorf("%s is listed in fieldGates but has no @hasRole in the schema", key)
			}
		}
	}
}

// TestAuthorizationMatrix calls every gated mutation and field as an anonymous
// caller, STAFF, EDITOR and ADMIN, and checks UNAUTHENTICATED, FORBIDDEN or allowed.
func TestAuthorizationMatrix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		c := newCatalogue(t, s)
		a := apitest.New(t, s)
		enquiry := a.SendEnquiry(nil).SubmitEnquiry.ID
		// A published article by an editor, with an approved comment: the gated
		// fields of its author and its comment are reached through them.
		writer := a.SignIn(a.AddUser("writer@example.com", models.RoleEditor).Email, apitest.Password)
		article := writeArticle(t, writer, "Gated Fields", "Some words.", []string{"Gates"}, true)
		var comment struct{ PostComment struct{ ID string } }
		apitest.Decode(t, a.OK(`mutation($a: ID!) { postComment(input: {articleId: $a, authorName: "R", authorEmail: "r@example.com", body: "A first comment."}) { id } }`, map[string]any{"a": article}), &comment)
		writer.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": comment.PostComment.ID})
		target := a.AddUser("target@example.com", models.RoleStaff)
		a.AddUser("signin@example.com", models.RoleStaff)
		callers := map[models.Role]*apitest.API{}
		ids := map[models.Role]string{}
		for _, role := range []models.Role{models.RoleStaff, models.RoleEditor, models.RoleAdmin} {
			u := a.AddUser(string(role)+"@example.com", role)
			callers[role] = a.SignIn(u.Email, apitest.Password)
			ids[role] = u.GlobalID()
		}
		vars := func(role models.Role) map[string]any {
			return map[string]any{
				"self": ids[role], "target": target.GlobalID(),
				"course": c.courses[0].GlobalID(), "batch": c.batches[1].GlobalID(), "schedule": c.schedules[0].GlobalID(),
				"article": article, "comment": comment.PostComment.ID, "enquiry": enquiry,
				"missingBatch": missing(models.KindBatch), "missingSchedule": missing(models.KindSchedule),
				"missingArticle": missing(models.KindArticle), "missingComment": missing(models.KindComment), "missingTag": missing(models.KindTag),
			}
		}
		names := make([]string, 0, len(mutationGates)+len(fieldGates))
		all := map[string]gate{}
		for n, g := range fieldGates {
			if g.query != "" {
				names, all[n] = append(names, n), g
			}
		}
		for n, g := range mutationGates {
			if n != "logout" {
				names, all[n] = append(names, n), g
			}
		}
		slices.Sort(names)
		names, all["logout"] = append(names, "logout"), mutationGates["logout"]

		for _, name := range names {
			g := all[name]
			t.Run(name, func(t *testing.T) {
				for _, role := range []models.Role{"", models.RoleStaff, models.RoleEditor, models.RoleAdmin} {
					caller := a
					if role != "" {
						caller = callers[role]
					}
					resp, _ := caller.Post(g.query, usedVars(g.query, vars(role)))
					got := resp.Code()
					var want string
					switch {
					case g.role == "":
						want = "allowed"
					case role == "":
						want = "UNAUTHENTICATED"
					case !role.Includes(g.role):
						want = "FORBIDDEN"
					default:
						want = "allowed"
					}
					if got == "UNAUTHENTICATED" || got == "FORBIDDEN" {
						if got != want {
							t.Errorf("as %q: %s, want %s (%+v)", role, got, want, resp.Errors)
						}
					} else if want != "allowed" {
						t.Errorf("as %q: %q (%s), want %s", role, got, resp.Data, want)
					}
				}
			})
		}
	})
}

// usedVars keeps the variables a query declares: GraphQL refuses unused ones.
func usedVars(query string, vars map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range vars {
		if containsVar(query, k) {
			out[k] = v
		}
	}
	return out
}

func containsVar(query, name string) bool { return strings.Contains(query, "$"+name+":") }
