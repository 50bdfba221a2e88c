package graph_test

import (
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// TestInputsAreCoercedAsTheSpecSays sends values of the wrong kind in variables:
// a String never takes a number or a boolean, an Int never takes a string or a
// fraction, a Boolean never takes a string, an ID takes a string or a whole number.
// Each refusal is a client error that names the input, and nothing is stored.
func TestInputsAreCoercedAsTheSpecSays(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		storetest.CreateCourse(t, s)
		a := apitest.New(t, s)
		admin, _, staff := staffAPI(t, s)
		id := a.SendEnquiry(nil).SubmitEnquiry.ID
		const update = `mutation($id: ID!, $in: UpdateEnquiryInput!) { updateEnquiry(id: $id, input: $in) { version } }`
		const courses = `query($n: Int) { courses(first: $n) { totalCount } }`
		for _, tc := range []struct {
			name  string
			api   *apitest.API
			query string
			vars  map[string]any
			field string // the input (or variable) the error names
		}{
			{"a number for a String", a, apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"name": 123}), "input.name"},
			{"a fraction for a String", a, apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"message": 1.5}), "input.message"},
			{"a boolean for a String", a, apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"email": true}), "in.email"},
			{"an object for a String", a, apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"name": map[string]any{"x": 1}}), "in.name"},
			{"a list for a String", a, apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"name": []any{"a"}}), "in.name"},
			{"a number for a String argument", a, `query($q: String!) { search(query: $q) { __typename } }`, map[string]any{"q": 42}, "query"},
			{"a string of digits for an Int", a, courses, map[string]any{"n": "5"}, "first"},
			{"a fraction for an Int", a, courses, map[string]any{"n": 2.5}, "n"},
			{"an Int beyond 32 bits", a, courses, map[string]any{"n": int64(1) << 40}, "first"},
			{"a string for an Int in an input", staff, update, map[string]any{"id": id, "in": map[string]any{"status": "IN_PROGRESS", "version": "1"}}, "version"},
			{"a string for a Boolean", staff, update, map[string]any{"id": id, "in": map[string]any{"unassign": "true", "version": 1}}, "unassign"},
			{"a number for a Boolean", staff, update, map[string]any{"id": id, "in": map[string]any{"unassign": 1, "version": 1}}, "unassign"},
			{"a fraction for an ID", a, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": 1.5}, "id"},
			{"a boolean for an ID", a, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": true}, "id"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, _ := tc.api.Post(tc.query, tc.vars)
				if len(resp.Errors) != 1 {
					t.Fatalf("want one error, got %+v (data %s)", resp.Errors, resp.Data)
				}
				e := resp.Errors[0]
				switch c := resp.Code(); c {
				case "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED":
				default:
					t.Errorf("code %q (%s), want BAD_USER_INPUT or GRAPHQL_VALIDATION_FAILED", c, e.Message)
				}
				if f, _ := e.Extensions["field"].(string); !strings.HasSuffix(f, tc.field) && !strings.Contains(e.Message, tc.field+":") {
					t.Errorf("error %q (field %q) does not name %s", e.Message, f, tc.field)
				}
			})
		}
		if got := string(admin.OK(`{ enquiries { totalCount } }`, nil)); got != `{"enquiries":{"totalCount":1}}` {
			t.Errorf("a refused input was stored: %s", got)
		}
		if got := string(admin.OK(`query($id: ID!) { enquiry(id: $id) { version } }`, map[string]any{"id": id})); got != `{"enquiry":{"version":1}}` {
			t.Errorf("a refused update was applied: %s", got)
		}

		t.Run("values of the right kind are taken", func(t *testing.T) {
			if got := string(a.OK(courses, map[string]any{"n": 2})); !strings.Contains(got, "totalCount") {
				t.Errorf("Int 2: %s", got)
			}
			// A whole number is a valid ID value; it is just no coursegraph id.
			resp, _ := a.Post(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": 7})
			if len(resp.Errors) != 1 || resp.Errors[0].Message != "id: is not a valid id" {
				t.Errorf("ID 7 (a whole number): %+v", resp.Errors)
			}
			staff.OK(update, map[string]any{"id": id, "in": map[string]any{"unassign": true, "version": 1}})
		})
	})
}
