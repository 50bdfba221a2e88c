package graph_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

// nfd is the decomposed form a client may send: "ো" as "ে" + "া", "é" as "e" + "́".
func nfd(s string) string { return norm.NFD.String(s) }

// TestBanglaTitlesAndTagsMakeSlugsThatFindTheirRows: an article, its tags and a
// course titled in Bangla get readable Unicode slugs, found in NFC and in NFD;
// slugs that differ by one mark (the chandrabindu, an accent) are different rows
// on both engines.
func TestBanglaTitlesAndTagsMakeSlugsThatFindTheirRows(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		admin, editor, _ := staffAPI(t, s)
		anon := *editor
		anon.Token = ""

		const title = "ওয়েব ডিজাইন শেখার সহজ উপায়"
		body := "## কোর্সের ফি ও সময়\n\nপ্রতি সপ্তাহে দুই দিন।\n"
		writeArticle(t, editor, title, body, []string{"ওয়েব ডিজাইন", "কাঁটা", "কাটা", "Café", "Cafe"}, true)
		// Two titles that differ only by the chandrabindu, by different authors.
		writeArticle(t, admin, "কাঁটা", "কাঁটার কথা।", []string{"কাঁটা"}, true)
		writeArticle(t, editor, "কাটা", "কাটার কথা।", []string{"কাটা"}, true)

		type tag struct{ Name, Slug string }
		type article struct {
			Slug, Title     string
			Author          struct{ Name string }
			Tags            []tag
			TableOfContents []struct{ Anchor string }
		}
		bySlug := func(slug string) *article {
			t.Helper()
			var got struct{ Article *article }
			if err := json.Unmarshal(anon.OK(`query($s: String!) { article(slug: $s) { slug title author { name } tags { name slug } tableOfContents { anchor } } }`,
				map[string]any{"s": slug}),
				&got); err != nil {
				t.Fatal(err)
			}
			return got.Article
		}
		const slug = "ওয়েব-ডিজাইন-শেখার-সহজ-উপায়"
		for _, form := range []string{slug, nfd(slug), strings.ToUpper(slug)} {
			a := bySlug(form)
			if a == nil {
				t.Fatalf("article(slug: %q) = null", form)
			}
			if a.Slug != norm.NFC.String(slug) || a.Title != title {
				t.Errorf("article(slug: %q) = %q %q", form, a.Slug, a.Title)
			}
			want := []tag{{"Cafe", "cafe"}, {"Café", "café"}, {"কাটা", "কাটা"}, {"কাঁটা", "কাঁটা"}, {"ওয়েব ডিজাইন", "ওয়েব-ডিজাইন"}}
			// By slug: the engines' collations order names differently.
			slices.SortFunc(a.Tags, func(x, y tag) int { return strings.Compare(x.Slug, y.Slug) })
			slices.SortFunc(want, func(x, y tag) int { return strings.Compare(x.Slug, y.Slug) })
			if diff := cmp.Diff(want, a.Tags); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
			if len(a.TableOfContents) != 1 || a.TableOfContents[0].Anchor != "কোর্সের-ফি-ও-সময়" {
				t.Errorf("table of contents = %+v", a.TableOfContents)
			}
		}
		if a, b := bySlug("কাঁটা"), bySlug(nfd("কাটা")); a == nil || b == nil || a.Author.Name != "admin" || b.Author.Name != "editor" {
			t.Errorf("articles by slugs that differ by a mark: %+v and %+v", a, b)
		}

		var tagged struct {
			Tag      *tag
			Articles struct{ TotalCount int }
		}
		data := anon.OK(`query($s: String!) { tag(slug: $s) { name slug } articles(filter: {tag: $s}) { totalCount } }`, map[string]any{"s": nfd("কাঁটা")})
		if err := json.Unmarshal(data, &tagged); err != nil {
			t.Fatal(err)
		}
		if tagged.Tag == nil || tagged.Tag.Name != "কাঁটা" || tagged.Articles.TotalCount != 2 {
			t.Errorf("the tag কাঁটা: %s", data)
		}

		resp, _ := editor.Post(`mutation($in: CreateArticleInput!) { createArticle(input: $in) { id } }`, map[string]any{"in": map[string]any{"title": nfd(title), "body": "আবার।"}})
		fieldErr(t, resp, "CONFLICT", "input.slug")
		resp, _ = editor.Post(`mutation { createArticle(input: {title: "🚀🎉", body: "x"}) { id } }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "input.slug")
		if !strings.Contains(resp.Errors[0].Message, "without letters or digits: give one") {
			t.Errorf("an emoji title's error says %q", resp.Errors[0].Message)
		}
		resp, _ = editor.Post(createCourse, courseInput(map[string]any{"title": "🚀"}))
		fieldErr(t, resp, "BAD_USER_INPUT", "input.slug")
		editor.OK(createCourse, courseInput(map[string]any{"title": "🚀", "slug": "রকেট"}))
		resp, _ = editor.Post(`mutation { createArticle(input: {title: "দুই শব্দ", slug: "দুই শব্দ", body: "x"}) { id } }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "input.slug")
		resp, _ = editor.Post(`mutation { createArticle(input: {title: "ট্যাগ", body: "x", tags: ["ঠিক", "🚀"]}) { id } }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "input.tags.1")

		type course struct{ Slug, Title string }
		var made struct{ CreateCourse course }
		apitest.Decode(t, editor.OK(createCourse, courseInput(map[string]any{"title": "বাংলা টাইপিং"})), &made)
		var given struct{ CreateCourse course }
		apitest.Decode(t, editor.OK(createCourse, courseInput(map[string]any{"title": "Office", "slug": nfd("কম্পিউটার-বেসিক-কোর্স")})), &given)
		if made.CreateCourse.Slug != "বাংলা-টাইপিং" || given.CreateCourse.Slug != norm.NFC.String("কম্পিউটার-বেসিক-কোর্স") {
			t.Errorf("course slugs: %q and %q", made.CreateCourse.Slug, given.CreateCourse.Slug)
		}
		var found struct{ A, B *course }
		apitest.Decode(t, anon.OK(`query($a: String!, $b: String!) { a: course(slug: $a) { slug title } b: course(slug: $b) { slug title } }`,
			map[string]any{"a": nfd("বাংলা-টাইপিং"), "b": "কম্পিউটার-বেসিক-কোর্স"}),
			&found)

		if found.A == nil || found.A.Title != "বাংলা টাইপিং" || found.B == nil || found.B.Title != "Office" {
			t.Errorf("courses by slug: %+v %+v", found.A, found.B)
		}
	})
}

// TestABanglaNameOf120CharactersFits: the contract's 120 characters are 360
// bytes in Bangla, stored whole on both engines; 121 are refused.
func TestABanglaNameOf120CharactersFits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, _, staff := staffAPI(t, s)
		a := apitest.New(t, s)
		name := longest("রহিম উদ্দিন ", 120)
		name = name[:len(name)-len(" ")] + "ন" // no trailing space to trim
		r := a.SendEnquiry(map[string]any{"name": name, "message": longest("আসন আছে কি? ", 5000)})
		var got struct{ Enquiry struct{ Name string } }
		apitest.Decode(t, staff.OK(`query($id: ID!) { enquiry(id: $id) { name } }`, map[string]any{"id": r.SubmitEnquiry.ID}), &got)
		if got.Enquiry.Name != name {
			t.Errorf("stored name = %q; want %q", got.Enquiry.Name, name)
		}
		resp, _ := a.Post(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"name": name + "ন"}))
		fieldErr(t, resp, "BAD_USER_INPUT", "input.name")

		var me struct{ Me struct{ ID string } }
		apitest.Decode(t, staff.OK(`{ me { id } }`, nil), &me)
		var updated struct{ UpdateUser struct{ Name string } }
		apitest.Decode(t, staff.OK(`mutation($id: ID!, $n: String!) { updateUser(id: $id, input: {name: $n}) { name } }`, map[string]any{"id": me.Me.ID, "n": name}), &updated)
		if updated.UpdateUser.Name != name {
			t.Errorf("user's name = %q", updated.UpdateUser.Name)
		}
	})
}
