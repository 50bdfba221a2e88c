package graph_test

import (
	"encoding/json"
	"testing"

	"coursegraph/apitest"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

const postCommentAll = `mutation($in: PostCommentInput!) { postComment(input: $in) { id authorName body status authorEmail } }`

// TestARetriedCommentIsStoredOnce: a post retried with the same idempotency key
// (in the input or the Idempotency-Key header) answers with the first comment and
// stores nothing more; the key with another comment is CONFLICT; and the reader
// reads back what they sent, its status PENDING, without signing in.
func TestARetriedCommentIsStoredOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		f := &payloadFixtures{t: t, s: s, admin: a}
		editor := a.SignIn(f.user(models.RoleEditor).Email, apitest.Password)
		first, second := f.article(editor, true), f.article(editor, true)
		pending := func(article string) int {
			var got struct {
				Node struct{ Comments struct{ TotalCount int } }
			}
			data := editor.OK(`query($id: ID!) { node(id: $id) { ... on Article { comments(status: PENDING) { totalCount } } } }`, map[string]any{"id": article})
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			return got.Node.Comments.TotalCount
		}
		in := func(article, body string, key any) map[string]any {
			m := map[string]any{"articleId": article, "authorName": "Rina", "authorEmail": "Rina@Example.com", "body": body}
			if key != nil {
				m["idempotencyKey"] = key
			}
			return map[string]any{"in": m}
		}
		reader := *a // anonymous
		answer := string(reader.OK(postCommentAll, in(first, "Lovely post.", "key-1")))
		for i := range 2 {
			if again := string(reader.OK(postCommentAll, in(first, "Lovely post.", "key-1"))); again != answer {
				t.Errorf("retry %d answered %s; want the first answer %s", i+1, again, answer)
			}
		}
		var got struct {
			PostComment struct{ Status, AuthorEmail string }
		}
		if err := json.Unmarshal([]byte(answer), &got); err != nil {
			t.Fatal(err)
		}
		if got.PostComment.Status != "PENDING" || got.PostComment.AuthorEmail != "rina@example.com" {
			t.Errorf("the reader's answer: %s; want status PENDING and the email they sent", answer)
		}
		resp, _ := reader.Post(postCommentAll, in(first, "Another comment.", "key-1"))
		if resp.Code() != "CONFLICT" || string(resp.Data) != "null" {
			t.Errorf("the key with another comment: %s %+v; want CONFLICT", resp.Data, resp.Errors)
		}
		if n := pending(first); n != 1 {
			t.Errorf("%d comments stored after three posts with one key; want 1", n)
		}

		// The same through the header, on another article.
		withHeader := reader
		withHeader.Headers = map[string]string{"Idempotency-Key": "key-2"}
		one := string(withHeader.OK(postCommentAll, in(second, "Through the header.", nil)))
		if two := string(withHeader.OK(postCommentAll, in(second, "Through the header.", nil))); two != one {
			t.Errorf("the header's retry answered %s; want %s", two, one)
		}
		// Without a key, two posts are two comments.
		reader.OK(postCommentAll, in(second, "No key.", nil))
		reader.OK(postCommentAll, in(second, "No key.", nil))
		if n := pending(second); n != 3 {
			t.Errorf("%d comments on the second article; want 3 (one by key, two without)", n)
		}
		resp, _ = reader.Post(postCommentAll, in(second, "Too long a key.", string(make([]byte, 101))))
		if resp.Code() != "BAD_USER_INPUT" || resp.Errors[0].Extensions["field"] != "input.idempotencyKey" {
			t.Errorf("a key over 100 characters: %+v; want BAD_USER_INPUT on input.idempotencyKey", resp.Errors)
		}
	})
}

// TestAReaderReadsOnlyTheirOwnCommentsPrivateFields: the right to read a
// comment's staff-only fields in postComment's answer is the poster's, for that
// comment and that request only.
func TestAReaderReadsOnlyTheirOwnCommentsPrivateFields(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		f := &payloadFixtures{t: t, s: s, admin: a}
		editor := a.SignIn(f.user(models.RoleEditor).Email, apitest.Password)
		article := f.article(editor, true)
		data := a.OK(`mutation($a: ID!) { postComment(input: {articleId: $a, authorName: "R", authorEmail: "r@example.com", body: "Mine."}) { id } }`, map[string]any{"a": article})
		mine := apitest.IDOf(t, data, "postComment", "id")
		editor.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": mine})
		// In a later request, the approved comment is public, its private fields are not.
		resp, _ := a.Post(`query($id: ID!) { node(id: $id) { ... on Comment { body status } } }`, map[string]any{"id": mine})
		if resp.Code() != "UNAUTHENTICATED" {
			t.Errorf("a comment's status read anonymously in a later request: %s %+v; want UNAUTHENTICATED", resp.Data, resp.Errors)
		}
		// Nor may a post's answer show another reader's email, through the article.
		resp, _ = a.Post(`mutation($a: ID!) { postComment(input: {articleId: $a, authorName: "S", authorEmail: "s@example.com", body: "Theirs."}) {
			status article { comments { edges { node { authorEmail } } } } } }`, map[string]any{"a": article})

		if resp.Code() != "UNAUTHENTICATED" || len(resp.Errors) != 1 {
			t.Errorf("another reader's email through a post's answer: %s %+v; want UNAUTHENTICATED for it alone", resp.Data, resp.Errors)
		}
	})
}

// TestEditorsDeleteCommentsAndRenameTags: a deleted comment is gone from its
// article, and deleting it again is NOT_FOUND; a renamed tag keeps its articles
// under the slug of its new name, a name whose slug another tag has is CONFLICT
// and a name without a letter or digit BAD_USER_INPUT, and both changes are in
// the audit log.
func TestEditorsDeleteCommentsAndRenameTags(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		f := &payloadFixtures{t: t, s: s, admin: a}
		f.admin = a.SignIn(f.user(models.RoleAdmin).Email, apitest.Password)
		editor := a.SignIn(f.user(models.RoleEditor).Email, apitest.Password)
		first, second := f.article(editor, true), f.article(editor, true)
		for _, id := range []string{first, second} {
			editor.OK(`mutation($id: ID!) { updateArticle(id: $id, input: {tags: ["Javascript", "Web"]}) { id } }`, map[string]any{"id": id})
		}
		kept, gone := f.comment(first), f.comment(first)
		for _, c := range []string{kept, gone} {
			editor.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": c})
		}
		editor.OK(`mutation($id: ID!) { deleteComment(id: $id) }`, map[string]any{"id": gone})
		data := a.OK(`query($id: ID!) { node(id: $id) { ... on Article { commentCount comments { edges { node { id } } } } } }`, map[string]any{"id": first})
		if want := `{"node":{"commentCount":1,"comments":{"edges":[{"node":{"id":"` + kept + `"}}]}}}`; string(data) != want {
			t.Errorf("after deleting a comment: %s; want %s", data, want)
		}
		if resp, _ := editor.Post(`mutation($id: ID!) { deleteComment(id: $id) }`, map[string]any{"id": gone}); resp.Code() != "NOT_FOUND" {
			t.Errorf("deleting it again: %+v; want NOT_FOUND", resp.Errors)
		}

		tag := apitest.IDOf(t, a.OK(`{ tag(slug: "javascript") { id } }`, nil), "tag", "id")
		got := string(editor.OK(`mutation($id: ID!) { renameTag(id: $id, name: "Java Script") { id slug name articleCount } }`, map[string]any{"id": tag}))
		if want := `{"renameTag":{"id":"` + tag + `","slug":"java-script","name":"Java Script","articleCount":2}}`; got != want {
			t.Errorf("renameTag = %s; want %s", got, want)
		}
		if got := string(a.OK(`{ tag(slug: "java-script") { name articles { totalCount } } old: tag(slug: "javascript") { id } }`, nil)); got != `{"tag":{"name":"Java Script","articles":{"totalCount":2}},"old":null}` {
			t.Errorf("the tag under its new slug: %s", got)
		}
		for _, tc := range []struct{ name, code string }{{"web", "CONFLICT"}, {"  !!  ", "BAD_USER_INPUT"}, {"", "BAD_USER_INPUT"}} {
			resp, _ := editor.Post(`mutation($id: ID!, $n: String!) { renameTag(id: $id, name: $n) { id } }`, map[string]any{"id": tag, "n": tc.name})
			if resp.Code() != tc.code {
				t.Errorf("renameTag to %q: %+v; want %s", tc.name, resp.Errors, tc.code)
			}
		}
		if got := string(a.OK(`{ tag(slug: "java-script") { name } }`, nil)); got != `{"tag":{"name":"Java Script"}}` {
			t.Errorf("a refused rename changed the tag: %s", got)
		}
		var audit struct {
			AuditLog struct {
				Edges []struct{ Node struct{ Action string } }
			}
		}
		if err := json.Unmarshal(f.admin.OK(`{ auditLog(first: 5) { edges { node { action } } } }`, nil), &audit); err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, e := range audit.AuditLog.Edges {
			actions[e.Node.Action] = true
		}
		if !actions["comment.delete"] || !actions["tag.rename"] {
			t.Errorf("audit log actions %v; want comment.delete and tag.rename", actions)
		}
	})
}
