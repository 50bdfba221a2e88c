package graph_test

import (
	"slices"
	"strings"
	"testing"

	"coursegraph/apitest"
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
		a := apitest.New(t, s)
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
				resp, _ := a.Post(query, map[string]any{"q": q})
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
		if strings.Contains(a.Log.String(), `"level":"ERROR"`) {
			t.Errorf("searches logged errors:\n%s", a.Log.String())
		}

		var got struct {
			Articles struct{ TotalCount int }
		}
		apitest.Decode(t, a.OK(filter, map[string]any{"q": "quokka zebrafish"}), &got)
		if got.Articles.TotalCount != 2 {
			t.Errorf("two ordinary words found %d articles, want 2", got.Articles.TotalCount)
		}
		apitest.Decode(t, a.OK(filter, map[string]any{"q": "*"}), &got)
		if got.Articles.TotalCount != 0 {
			t.Errorf("a search of punctuation only found %d articles, want none", got.Articles.TotalCount)
		}
	})
}

// TestSearchInBangla: Bangla words find the articles that hold them, in the title
// or only in the body, on both engines; an article whose title has the word comes
// before one whose body repeats it; words of one or two characters (a letter and
// its vowel sign: "বই") are words too, as are English ones ("Go"), and a search
// typed in NFD finds text written in NFC.
func TestSearchInBangla(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		admin, editor, _ := staffAPI(t, s)
		a := apitest.New(t, s)
		// A long body and a short one that repeats the word (no summaries): by the
		// body alone, the second article would be the better match on both engines.
		for _, w := range []struct {
			by          *apitest.API
			title, body string
		}{
			{editor, "বাংলা টাইপিং শিখুন", strings.Repeat("প্রতিদিন কীবোর্ড অনুশীলন করুন। ", 40) + "একটি বই সঙ্গে রাখুন। যোগাযোগ করুন।"},
			{admin, "ওয়েব ডিজাইন", "এইচটিএমএল শিখুন। " + strings.Repeat("টাইপিং দ্রুত। ", 30) + "Go ভাষাও শিখুন। What next?"},
		} {
			var made struct{ CreateArticle struct{ ID string } }
			apitest.Decode(t, w.by.OK(`mutation($t: String!, $b: String!) { createArticle(input: {title: $t, body: $b}) { id } }`, map[string]any{"t": w.title, "b": w.body}), &made)
			w.by.OK(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, map[string]any{"id": made.CreateArticle.ID})
		}
		writeArticle(t, editor, "এক্সেলের সূত্র", "হিসাব রাখার সহজ উপায়।", nil, true)
		writeArticle(t, admin, "টাইপিং খসড়া", "টাইপিং বই।", nil, false)

		const search = `query($q: String!) { search(query: $q) { ... on Article { title } } }`
		const filter = `query($q: String!) { articles(filter: {search: $q}, orderBy: {field: TITLE}) { totalCount edges { node { title } } } }`
		for _, tc := range []struct {
			name, query string
			want        []string // search's order: best first
			anyOrder    bool
		}{
			{"a title match comes before a body that repeats the word", "টাইপিং", []string{"বাংলা টাইপিং শিখুন", "ওয়েব ডিজাইন"}, false},
			{"a word only in a body", "অনুশীলন", []string{"বাংলা টাইপিং শিখুন"}, false},
			{"a word of two characters", "বই", []string{"বাংলা টাইপিং শিখুন"}, false},
			{"an English word of two letters in a Bangla body", "go", []string{"ওয়েব ডিজাইন"}, false},
			{"an English stopword is a word like any other", "what", []string{"ওয়েব ডিজাইন"}, false},
			{"a word typed in NFD", nfd("যোগাযোগ"), []string{"বাংলা টাইপিং শিখুন"}, false},
			{"a word with the nukta", "উপায়", []string{"এক্সেলের সূত্র"}, false},
			{"two words, each in another article", "এইচটিএমএল হিসাব", []string{"এক্সেলের সূত্র", "ওয়েব ডিজাইন"}, true},
			{"a part of a word is not a word", "টাইপ", nil, false},
			{"a word in no article", "রসায়ন", nil, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var found struct{ Search []struct{ Title string } }
				apitest.Decode(t, a.OK(search, map[string]any{"q": tc.query}), &found)
				var got []string
				for _, r := range found.Search {
					got = append(got, r.Title)
				}
				if tc.anyOrder {
					slices.Sort(got)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("search %q = %q; want %q", tc.query, got, tc.want)
				}
				var listed struct {
					Articles struct{ TotalCount int }
				}
				apitest.Decode(t, a.OK(filter, map[string]any{"q": tc.query}), &listed)
				if listed.Articles.TotalCount != len(tc.want) {
					t.Errorf("articles(filter: {search: %q}) counts %d; want %d", tc.query, listed.Articles.TotalCount, len(tc.want))
				}
			})
		}
	})
}

// TestSearchFindsBanglaCoursesTypedInEitherForm: a course named in Bangla comes
// first in search, however the search was typed (NFC or NFD), on both engines.
func TestSearchFindsBanglaCoursesTypedInEitherForm(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, editor, _ := staffAPI(t, s)
		a := apitest.New(t, s)
		editor.OK(createCourse, courseInput(map[string]any{"title": "অফিস কম্পিউটার কোর্স", "summary": "বাংলা ও ইংরেজি টাইপিং"}))
		editor.OK(createCourse, courseInput(map[string]any{"title": "ওয়েব ডিজাইন", "summary": "এইচটিএমএল ও সিএসএস"}))
		writeArticle(t, editor, "কোর্স বেছে নেওয়ার আগে", "কোন কোর্স আপনার জন্য?", nil, true)
		for _, q := range []string{"কোর্স", nfd("কোর্স"), nfd("কম্পিউটার কোর্স")} {
			var got struct {
				Search []struct {
					Typename string `json:"__typename"`
					Title    string
				}
			}
			apitest.Decode(t, a.OK(`query($q: String!) { search(query: $q) { __typename ... on Course { title } ... on Article { title } } }`, map[string]any{"q": q}), &got)
			if len(got.Search) != 2 || got.Search[0].Typename != "Course" || got.Search[0].Title != "অফিস কম্পিউটার কোর্স" || got.Search[1].Typename != "Article" {
				t.Errorf("search %q = %+v; want the course, then the article", q, got.Search)
			}
		}
	})
}
