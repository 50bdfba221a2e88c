package loaders_test

import (
	"context"
	"strings"
	"testing"

	"coursegraph/graph/loaders"
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
