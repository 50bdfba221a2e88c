package loaders_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"coursegraph/auth"
	"coursegraph/graph/loaders"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store/storetest"
)

// TestArticleIDsAreNeverHintedToTagKeyedLoaders: the loaders per argument values
// are keyed by article (first comments) or by tag (a tag's first articles); a
// page of articles hints its ids to the first kind only, so that fetching one
// tag's articles asks for that tag alone, not for tags that happen to share
// numbers with the articles. (The keys' types make the opposite a compile error:
// HintTagPages takes TagIDs only.)
func TestArticleIDsAreNeverHintedToTagKeyedLoaders(t *testing.T) {
	s := storetest.OpenSQLite(t)
	svc, err := service.New(s, service.Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	l := loaders.New(svc, loaders.Hints{})
	ctx := context.Background()
	tagArticles := l.FirstTagArticles(nil)
	l.HintArticlePages([]loaders.ArticleID{1, 2, 3})
	l.HintTagPages([]loaders.TagID{1})
	rec := storetest.RecordSQL(s)
	if _, err := tagArticles.Load(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range rec.All() {
		if strings.Contains(q, "article_tags.tag_id = ?") {
			if arms := strings.Count(q, "UNION ALL") + 1; arms != 1 {
				t.Errorf("tag 1's articles were fetched for %d tags", arms)
			}
			return
		}
	}
	t.Errorf("no statement fetched tag 1's articles: %q", rec.All())
}

// TestAPartialArticleIsNeverKept: a page read without the articles' bodies
// (models.Article.Partial) hints their relations but is not what ArticleByID
// answers: loading one of them by id reads it whole, while a whole article seen
// is kept and costs no statement.
func TestAPartialArticleIsNeverKept(t *testing.T) {
	s := storetest.OpenSQLite(t)
	svc, err := service.New(s, service.Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	author := &models.User{Name: "Author", Email: "author@example.com", Role: models.RoleEditor, Active: true, PasswordHash: "x"}
	if err := s.CreateUser(ctx, author); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var whole []*models.Article
	for _, slug := range []string{"partial", "whole"} {
		a := &models.Article{Slug: slug, Title: "T", Summary: "S", Body: "The body", HTML: "<p>The body</p>", Status: models.ArticlePublished, PublishedAt: &at, AuthorID: author.ID}
		if err := s.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		whole = append(whole, a)
	}
	partial := *whole[0]
	partial.Body, partial.HTML, partial.Partial = "", "", true
	l := loaders.New(svc, loaders.Hints{})
	l.Articles([]*models.Article{&partial, whole[1]})
	rec := storetest.RecordSQL(s)
	got, err := l.ArticleByID.Load(auth.AsSystem(ctx), loaders.ArticleID(partial.ID))
	if err != nil {
		t.Fatal(err)
	}
	if got.Partial || got.HTML != "<p>The body</p>" {
		t.Errorf("the article loaded by id is partial (%v) or has HTML %q", got.Partial, got.HTML)
	}
	if len(rec.All()) != 1 {
		t.Errorf("%d statements to load the partial article; want 1, reading it whole", len(rec.All()))
	}
	if _, err := l.ArticleByID.Load(ctx, loaders.ArticleID(whole[1].ID)); err != nil || len(rec.All()) != 1 {
		t.Errorf("loading the whole article seen: %v, %d statements in all; want it kept", err, len(rec.All()))
	}
}
