package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"coursegraph/apitest"
	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// secretColumns matches SQL that reads a password hash, or a users row whole
// (which would read it too).
var secretColumns = regexp.MustCompile("(?i)password_hash|users\\.\\*|select \\* from [`\"]?users")

// TestPublicReadsNeverLoadAPasswordHash reads the public article pages (a list,
// one article, tags with their articles, an author by id, search) as a reader,
// and checks the text of every statement the store ran: none reads a password
// hash or a whole users row, and the authors read with the articles hold their
// public columns only. Staff reading the same get the authors' columns staff may
// see (their email, through the same one statement), still without the hash.
func TestPublicReadsNeverLoadAPasswordHash(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		reader, slug := readFixture(t, s)
		rec := storetest.RecordSQL(s)
		var page struct {
			Articles struct {
				Edges []struct {
					Node struct {
						Author struct{ ID, Name string }
					}
				}
			}
		}
		reader.OK(apitest.ReadQ1, nil)
		apitest.Decode(t, reader.OK(`{ articles(first: 1) { edges { node { author { id name } } } } }`, nil), &page)
		author := page.Articles.Edges[0].Node.Author
		if author.Name == "" {
			t.Fatalf("the list shows no author: %+v", page)
		}
		reader.OK(apitest.ReadQ3, map[string]any{"slug": slug})
		reader.OK(`{ tags { name articles(first: 3) { edges { node { title author { name bio avatarUrl } } } } } }`, nil)
		reader.OK(`query($id: ID!) { node(id: $id) { ... on User { name bio } } }`, map[string]any{"id": author.ID})
		reader.OK(`{ search(query: "spreadsheets") { ... on Article { title author { name } } } }`, nil)
		statements := rec.All()
		if len(statements) < 5 {
			t.Fatalf("recorded %d statements: %q", len(statements), statements)
		}
		for _, q := range statements {
			if secretColumns.MatchString(q) {
				t.Errorf("a public read ran %s", q)
			}
		}
		a, err := reader.Svc.ArticleBySlug(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		if u := a.LoadedAuthor; u == nil || u.Name == "" || u.PasswordHash != "" || u.Email != "" {
			t.Errorf("a reader's article holds its author as %+v; want the public columns only", u)
		}

		_, editor, _ := staffAPI(t, s)
		staffRec := storetest.RecordSQL(s)
		counter := storetest.CountStatements(s)
		var staffPage struct {
			Articles struct {
				Edges []struct {
					Node struct {
						Title  string
						Author struct{ Email string }
					}
				}
			}
		}
		if err := json.Unmarshal(editor.OK(`{ articles(first: 30) { edges { node { title author { email } } } } }`, nil), &staffPage); err != nil {
			t.Fatal(err)
		}
		for _, e := range staffPage.Articles.Edges {
			var n int
			if _, err := fmt.Sscanf(e.Node.Title, "Article number %d", &n); err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("author%d@example.com", n%3); e.Node.Author.Email != want {
				t.Errorf("%s: the author's email is %q; want %q", e.Node.Title, e.Node.Author.Email, want)
			}
		}
		// The session with its user, and the articles with their authors.
		if got := counter.Count(); got != 2 {
			t.Errorf("staff's list: %d statements; want 2", got)
		}
		for _, q := range staffRec.All() {
			if secretColumns.MatchString(q) {
				t.Errorf("a staff read ran %s", q)
			}
		}
		staffArticle, err := reader.Svc.ArticleBySlug(auth.WithUser(context.Background(), editorUser(t, s)), slug)
		if err != nil {
			t.Fatal(err)
		}
		if u := staffArticle.LoadedAuthor; u == nil || u.Email == "" || u.PasswordHash != "" {
			t.Errorf("staff's article holds its author as %+v; want the columns staff may see, without the hash", u)
		}
	})
}

// editorUser returns the editor staffAPI made.
func editorUser(t *testing.T, s *store.Store) *models.User {
	t.Helper()
	u, err := s.UserByEmail(context.Background(), "editor@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return u
}
