package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"coursegraph/store"
	"coursegraph/store/storetest"
)

// TestSearchNeverPassesOperatorsToTheEngine fuzzes search and the articles' search
// filter with every ASCII punctuation mark, alone, inside and around words, and
// with the operator words of MySQL boolean mode and FTS5: no input is ever an
// internal error, on either engine, and ordinary words around the punctuation
// still find the articles they name.
func TestSearchNeverPassesOperatorsToTheEngine(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, editor, _ := staffAPI(t, s)
		a := newAPI(t, s)
		writeArticle(t, editor, "Zebrafish husbandry", "Keeping zebrafish in a classroom tank.", []string{"Biology"}, true)
		writeArticle(t, editor, "Quokka photography", "Photographing quokkas near Perth.", []string{"Travel"}, true)
		writeArticle(t, editor, "Zebrafish drafts", "Not yet public: zebrafish.", nil, false)

		var inputs []string
		for c := byte('!'); c <= '~'; c++ {
			if (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') {
				continue
			}
			p := string(c)
			inputs = append(inputs, p, p+p, p+"zebrafish", "zebrafish"+p, "zebrafish "+p, p+" zebrafish", "zebra"+p+"fish", p+"zebrafish"+p)
		}
		for _, w := range []string{"AND", "OR", "NOT", "NEAR", "and", "near"} {
			inputs = append(inputs, w, w+" zebrafish", "zebrafish "+w, "zebrafish "+w+" quokka", w+"(zebrafish)", w+"/3")
		}
		inputs = append(inputs, `"`, `"zebrafish`, `zebrafish"`, `""`, `"zebrafish quokka"`, `"zebrafish" NEAR/2 "quokka"`,
			`+zebrafish -quokka`, `zebrafish*`, `(zebrafish)`, `>zebrafish <quokka`, `~zebrafish`, `@2`, `"zebrafish"@2`,
			`title:zebrafish`, `^zebrafish`, `{title}: zebrafish`, `zebrafish OR`, `* * *`, `'`, `\`, `%_`, `'; DROP TABLE articles; --`)

		const search = `query($q: String!) { search(query: $q) { __typename ... on Article { slug } } }`
		const filter = `query($q: String!) { articles(filter: {search: $q}) { totalCount edges { node { slug } } } }`
		for _, q := range inputs {
			for _, query := range []string{search, filter} {
				resp, _ := a.post(query, map[string]any{"q": q})
				for _, e := range resp.Errors {
					if e.Extensions["code"] != "BAD_USER_INPUT" {
						t.Errorf("search %q: %s %q", q, e.Extensions["code"], e.Message)
					}
				}
				if strings.Contains(q, "zebrafish") && !strings.Contains(string(resp.Data), "zebrafish-husbandry") {
					t.Errorf("search %q did not find the zebrafish article: %s", q, resp.Data)
				}
				if strings.Contains(string(resp.Data), "zebrafish-drafts") {
					t.Errorf("search %q found a draft: %s", q, resp.Data)
				}
			}
		}
		if strings.Contains(a.log.String(), `"level":"ERROR"`) {
			t.Errorf("searches logged errors:\n%s", a.log.String())
		}

		var got struct {
			Articles struct{ TotalCount int }
		}
		_ = json.Unmarshal(a.ok(filter, map[string]any{"q": "quokka zebrafish"}), &got)
		if got.Articles.TotalCount != 2 {
			t.Errorf("two ordinary words found %d articles, want 2", got.Articles.TotalCount)
		}
		_ = json.Unmarshal(a.ok(filter, map[string]any{"q": "*"}), &got)
		if got.Articles.TotalCount != 0 {
			t.Errorf("a search of punctuation only found %d articles, want none", got.Articles.TotalCount)
		}
	})
}
