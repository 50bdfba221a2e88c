package gqlserver

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestExecutedJSONWritesTheDataAsItIs: an executed response is its errors, its
// data as gqlgen made it (its HTML unescaped) and its extensions; an answer
// without errors nor extensions costs no allocation (its data, a page of
// several kilobytes, is not copied).
func TestExecutedJSONWritesTheDataAsItIs(t *testing.T) {
	data := json.RawMessage(`{"article":{"html":"<p>a & b</p>"}}`)
	for _, tc := range []struct {
		name string
		resp *graphql.Response
		want string
	}{
		{"data alone", &graphql.Response{Data: data}, `{"data":{"article":{"html":"<p>a & b</p>"}}}`},
		{"no data", &graphql.Response{}, `{"data":null}`},
		{"errors and data", &graphql.Response{Data: data, Errors: gqlerror.List{{Message: "m"}}},
			`{"errors":[{"message":"m"}],"data":{"article":{"html":"<p>a & b</p>"}}}`},
		{"errors, no data and extensions", &graphql.Response{Errors: gqlerror.List{{Message: "m"}}, Extensions: map[string]any{"debug": 1}},
			`{"errors":[{"message":"m"}],"data":null,"extensions":{"debug":1}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head, tail := executedJSON(tc.resp)
			if got := string(bytes.Join([][]byte{head, tc.resp.Data, tail}, nil)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	if head, tail := executedJSON(&graphql.Response{}); string(openData) != `{"data":` || string(closeObject) != `}` || string(head)+string(tail) != `{"data":null}` {
		t.Errorf("the shared parts changed: %q %q", openData, closeObject)
	}
	resp := &graphql.Response{Data: data}
	if n := testing.AllocsPerRun(100, func() { executedJSON(resp) }); n != 0 {
		t.Errorf("executedJSON allocates %v times for a response without errors, want 0", n)
	}
}
