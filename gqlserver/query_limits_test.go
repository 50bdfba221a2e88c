package gqlserver_test

import (
	"fmt"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/gqlserver"
	"coursegraph/store/storetest"
)

// repeat joins n copies of f(i) with spaces.
func repeat(n int, f func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(i)
	}
	return strings.Join(parts, " ")
}

// deepFragments is a query n related articles deep, each level in a fragment of
// its own: 3 + n + 1 fields deep.
func deepFragments(n int) string {
	var b strings.Builder
	b.WriteString("{ articles { edges { node { ...F1 } } } }\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "fragment F%d on Article { related(first: 1) { ...F%d } }\n", i, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Article { related(first: 1) { title } }\n", n)
	return b.String()
}

// doubling is a query of fragments L0 … Ln, each with a field and two spreads of
// the next: 2^(n+1) - 1 fields, few tokens.
func doubling(n int) string {
	var b strings.Builder
	b.WriteString("{ ...L0 }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment L%d on Query { __typename ...L%d ...L%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment L%d on Query { __typename }\n", n)
	return b.String()
}

// sideBySide is a query of n fragments, each with the same one field, spread
// next to one another.
func sideBySide(n int) string {
	var b strings.Builder
	b.WriteString("{ " + repeat(n, func(i int) string { return fmt.Sprintf("...F%d", i) }) + " }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Query { __typename }\n", i)
	}
	return b.String()
}

func TestDocumentsOverALimitAreRefusedWithOneErrorBeforeValidation(t *testing.T) {
	typenames := func(n int) string { return "{ " + repeat(n, func(int) string { return "__typename" }) + " }" }
	for _, tc := range []struct {
		name, query   string
		limit, actual int
	}{
		{"10,000 __typename fields are over the repeat limit", typenames(10000), 10, 10000},
		{"11 __typename fields in inline fragments are over the repeat limit", "{ " + repeat(11, func(int) string { return "... on Query { __typename }" }) + " }", 10, 11},
		{"11 spreads of one fragment are over the repeat limit", "{ " + repeat(11, func(int) string { return "...F" }) + " } fragment F on Query { __typename }", 10, 11},
		{"20,000 fields are over the token limit", typenames(20000), 15000, 20002},
		{"fragments that spread the next one twice, 12 deep, merge 8,191 __typename fields", doubling(12), 10, 8191},
		{"1,500 fragments of one __typename each, spread side by side, are over the repeat limit", sideBySide(1500), 10, 1500},
		{"1,000 aliases are over the alias limit", "{ " + repeat(1000, func(i int) string { return fmt.Sprintf("a%d: __typename", i) }) + " }", 30, 1000},
		{"1,000 directives on one field are over the directive limit", "{ __typename " + repeat(1000, func(int) string { return "@aa" }) + " }", 10, 1000},
		{"11 directives on a fragment spread are over the directive limit", "{ ...F " + repeat(11, func(int) string { return "@include(if: true)" }) + " } fragment F on Query { __typename }", 10, 11},
		{"related articles 14 deep through fragments are over the depth limit", deepFragments(10), 12, 14},
		{"a page of pages of related comments is over the cost limit",
			`{ articles(first: 100) { edges { node { related(first: 20) { related(first: 20) { comments(first: 100) { edges { node { body } } } } } } } } }`, 5000, 12042301},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.OpenSQLite(t)
			a := apitest.New(t, s)
			counter := storetest.CountStatements(s)
			resp, rec := a.Post(tc.query, nil)
			if len(resp.Errors) != 1 {
				t.Fatalf("want one error, got %d: %.300v", len(resp.Errors), resp.Errors)
			}
			ext := resp.Errors[0].Extensions
			if ext["code"] != "QUERY_TOO_COMPLEX" || ext["limit"] != float64(tc.limit) || ext["actual"] != float64(tc.actual) {
				t.Errorf("extensions = %v (%q); want QUERY_TOO_COMPLEX, limit %d, actual %d", ext, resp.Errors[0].Message, tc.limit, tc.actual)
			}
			if rec.Code >= 500 || counter.Count() != 0 {
				t.Errorf("HTTP %d after %d statements; want a client error before any", rec.Code, counter.Count())
			}
		})
	}
}

func TestLimitsLetTheLegitimateQueriesThroughAndCanBeChangedOrTurnedOff(t *testing.T) {
	s := storetest.OpenSQLite(t)
	a := apitest.New(t, s)
	a.OK(deepFragments(8), nil) // 12 deep, the limit
	a.OK("{ "+repeat(10, func(int) string { return "__typename" })+" }", nil)
	a.OK("{ "+repeat(30, func(i int) string { return fmt.Sprintf("a%d: __typename", i) })+" }", nil)
	// Valid or not (@include twice is not), 10 directives are not over the limit.
	if resp, _ := a.Post("{ __typename "+repeat(10, func(int) string { return "@include(if: true)" })+" }", nil); resp.Code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("10 directives: %+v; want only validation errors", resp.Errors)
	}

	strict := apitest.NewWithOptions(t, apitest.NewService(t, s), gqlserver.HandlerOptions{Introspection: true, Limits: gqlserver.Limits{Depth: 3, Aliases: 1}})
	if resp, _ := strict.Post(`{ articles { edges { node { title } } } }`, nil); resp.Code() != "QUERY_TOO_COMPLEX" {
		t.Errorf("depth 4 with a limit of 3: %+v", resp.Errors)
	}
	if resp, _ := strict.Post(`{ a: __typename b: __typename }`, nil); resp.Code() != "QUERY_TOO_COMPLEX" {
		t.Errorf("2 aliases with a limit of 1: %+v", resp.Errors)
	}

	noRepeats := apitest.NewWithOptions(t, apitest.NewService(t, s), gqlserver.HandlerOptions{Introspection: true, Limits: gqlserver.Limits{Repeats: -1}})
	resp, _ := noRepeats.Post(doubling(12), nil)
	if len(resp.Errors) != 1 {
		t.Fatalf("8,191 fields through fragments, without the repeat limit: %+v; want one error", resp.Errors)
	}
	if ext := resp.Errors[0].Extensions; ext["code"] != "QUERY_TOO_COMPLEX" || ext["limit"] != 5000.0 || ext["actual"] != 8191.0 {
		t.Errorf("8,191 fields through fragments, without the repeat limit: %+v; want the cost's lower bound refused", resp.Errors)
	}

	off := apitest.NewWithOptions(t, apitest.NewService(t, s), gqlserver.HandlerOptions{Introspection: true, Limits: gqlserver.Limits{Aliases: -1, Depth: -1, Repeats: -1}})
	off.OK("{ "+repeat(100, func(i int) string { return fmt.Sprintf("a%d: __typename", i) })+" }", nil)
	off.OK(deepFragments(10), nil)
	off.OK("{ "+repeat(100, func(int) string { return "__typename" })+" }", nil)
}

func TestAFragmentCycleIsAValidationError(t *testing.T) {
	s := storetest.OpenSQLite(t)
	a := apitest.New(t, s)
	resp, rec := a.Post(`{ articles { edges { node { ...A } } } }
fragment A on Article { related { ...B } }
fragment B on Article { related { ...A } }`, nil)

	if resp.Code() != "GRAPHQL_VALIDATION_FAILED" || rec.Code >= 500 {
		t.Errorf("HTTP %d, errors %+v; want GRAPHQL_VALIDATION_FAILED", rec.Code, resp.Errors)
	}
}

func TestSuggestionsAreLeftOutWheneverIntrospectionIsOff(t *testing.T) {
	s := storetest.OpenSQLite(t)
	dev := apitest.New(t, s)
	prod := apitest.NewWithOptions(t, apitest.NewService(t, s), gqlserver.HandlerOptions{})
	for _, tc := range []struct {
		name, query string
		// suggests is whether gqlparser suggests anything for it at all.
		suggests bool
	}{
		{"a misspelt field", `{ coursess { totalCount } }`, true},
		{"a misspelt argument", `{ courses(frist: 1) { totalCount } }`, true},
		{"a misspelt enum value", `{ batches(period: MORNIN) { name } }`, true},
		{"a misspelt type", `query($p: Perod) { batches(period: $p) { name } }`, false},
		{"a misspelt input field", `{ courses(filter: {categry: "x"}) { totalCount } }`, true},
		{"a scalar given a selection", `{ centre { name { x } } }`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			messages := func(a *apitest.API) string {
				resp, _ := a.Post(tc.query, nil)
				if resp.Code() != "GRAPHQL_VALIDATION_FAILED" {
					t.Fatalf("errors %+v; want GRAPHQL_VALIDATION_FAILED", resp.Errors)
				}
				var all []string
				for _, e := range resp.Errors {
					all = append(all, e.Message)
				}
				return strings.Join(all, "\n")
			}
			if got := messages(dev); tc.suggests && !strings.Contains(got, "Did you mean") {
				t.Errorf("with introspection on, no suggestion to compare with: %s", got)
			}
			if got := messages(prod); strings.Contains(got, "Did you mean") {
				t.Errorf("with introspection off: %s", got)
			}
		})
	}
}

// BenchmarkRefusingOversizedDocuments: what the documents of the outside trials
// cost to refuse, through the handler (the client's encoding and decoding
// included).
func BenchmarkRefusingOversizedDocuments(b *testing.B) {
	a := apitest.New(b, storetest.OpenSQLite(b))
	for _, d := range []struct{ name, query string }{
		{"10000 fields", "{ " + strings.Repeat("__typename ", 10000) + "}"},
		{"1000 aliases", "{ " + repeat(1000, func(i int) string { return fmt.Sprintf("a%d: __typename", i) }) + " }"},
	} {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if resp, _ := a.Post(d.query, nil); resp.Code() != "QUERY_TOO_COMPLEX" {
					b.Fatalf("not refused: %+v", resp.Errors)
				}
				a.Log.Reset()
			}
		})
	}
}
