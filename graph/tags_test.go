package graph_test

import (
	"encoding/json"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// TestReadersSeeOnlyTagsOfVisibleArticles files articles of every state under
// tags of their own and under a shared one: readers (anonymous and STAFF, who do
// not read unpublished articles) see only the tags with a visible article, through
// tags, tag(slug:) and node(id:); editors see every tag.
func TestReadersSeeOnlyTagsOfVisibleArticles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, editor, staff := staffAPI(t, s)
		a := apitest.New(t, s)
		writeArticle(t, editor, "Out now", "Visible.", []string{"Public", "Mixed"}, true)
		writeArticle(t, editor, "Work in progress", "Draft.", []string{"Draft only", "Mixed"}, false)
		scheduled := writeArticle(t, editor, "Coming soon", "Scheduled.", []string{"Scheduled only"}, false)
		editor.OK(`mutation($id: ID!, $at: Time!) { publishArticle(id: $id, at: $at) { id } }`,
			map[string]any{"id": scheduled, "at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)})

		archived := writeArticle(t, editor, "Old news", "Archived.", []string{"Archived only"}, true)
		editor.OK(`mutation($id: ID!) { unpublishArticle(id: $id, archive: true) { id } }`, map[string]any{"id": archived})

		type tag struct {
			ID, Slug     string
			ArticleCount int
		}
		list := func(who *apitest.API) (slugs []string, ids map[string]string) {
			var got struct{ Tags []tag }
			if err := json.Unmarshal(who.OK(`{ tags { id slug articleCount } }`, nil), &got); err != nil {
				t.Fatal(err)
			}
			ids = map[string]string{}
			for _, tg := range got.Tags {
				slugs = append(slugs, tg.Slug)
				ids[tg.Slug] = tg.ID
			}
			return slugs, ids
		}
		all, ids := list(editor)
		if diff := cmp.Diff([]string{"archived-only", "draft-only", "mixed", "public", "scheduled-only"}, all); diff != "" {
			t.Errorf("editor's tags (-want +got):\n%s", diff)
		}
		for name, reader := range map[string]*apitest.API{"anonymous": a, "staff": staff} {
			t.Run(name+" sees only tags with a visible article", func(t *testing.T) {
				got, _ := list(reader)
				if diff := cmp.Diff([]string{"mixed", "public"}, got); diff != "" {
					t.Errorf("tags (-want +got):\n%s", diff)
				}
				for slug, visible := range map[string]bool{"public": true, "mixed": true, "draft-only": false, "scheduled-only": false, "archived-only": false} {
					bySlug := string(reader.OK(`query($s: String!) { tag(slug: $s) { slug } }`, map[string]any{"s": slug}))
					byID := string(reader.OK(`query($id: ID!) { node(id: $id) { ... on Tag { slug } } }`, map[string]any{"id": ids[slug]}))
					if visible != (bySlug != `{"tag":null}`) || visible != (byID != `{"node":null}`) {
						t.Errorf("%s: tag(slug:) = %s, node(id:) = %s; want visible=%v", slug, bySlug, byID, visible)
					}
				}
			})
		}
		if got := string(editor.OK(`{ tag(slug: "draft-only") { slug articleCount } }`, nil)); got != `{"tag":{"slug":"draft-only","articleCount":0}}` {
			t.Errorf("editor's draft-only tag = %s", got)
		}
	})
}

// TestReadersSeeOnlyAuthorsOfVisibleArticles: node(id:) shows a reader the author
// of a visible article, but not a staff member who wrote only a draft or nothing;
// staff see every user.
func TestReadersSeeOnlyAuthorsOfVisibleArticles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		admin, editor, staff := staffAPI(t, s)
		a := apitest.New(t, s)
		writeArticle(t, editor, "Out now", "Visible.", nil, true)
		writeArticle(t, admin, "Work in progress", "Draft.", nil, false)
		idOf := func(who *apitest.API) string {
			var me struct{ Me struct{ ID string } }
			apitest.Decode(t, who.OK(`{ me { id } }`, nil), &me)
			return me.Me.ID
		}
		const byID = `query($id: ID!) { node(id: $id) { ... on User { name } } }`
		for _, tc := range []struct {
			name          string
			user          *apitest.API
			toReaders     string
			toStaffMember string
		}{
			{"the author of a visible article", editor, `{"node":{"name":"editor"}}`, `{"node":{"name":"editor"}}`},
			{"the author of a draft only", admin, `{"node":null}`, `{"node":{"name":"admin"}}`},
			{"a user who wrote nothing", staff, `{"node":null}`, `{"node":{"name":"staff"}}`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				vars := map[string]any{"id": idOf(tc.user)}
				if got := string(a.OK(byID, vars)); got != tc.toReaders {
					t.Errorf("to a reader: %s, want %s", got, tc.toReaders)
				}
				if got := string(staff.OK(byID, vars)); got != tc.toStaffMember {
					t.Errorf("to staff: %s, want %s", got, tc.toStaffMember)
				}
			})
		}
	})
}
