package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
)

// readmeBlock is a fenced block of the README (or of a file of docs/) and the
// block of the given kind that follows it, if any (an example's answer).
type readmeBlock struct {
	file   string
	line   int
	source string
	answer string // the ```json block right after, if any
}

var fence = regexp.MustCompile("(?s)```(\\w*)\\n(.*?)```")

// readmeBlocks returns the ```graphql blocks of the README and of docs/, but
// for the contract (docs/API.md), whose blocks are fragments of operations.
func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeBlock
	for _, file := range append([]string{"README.md"}, files...) {
		if file == "docs/API.md" {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, graphqlBlocks(file, string(b))...)
	}
	return out
}

// graphqlBlocks returns the ```graphql blocks of text, the contents of file.
func graphqlBlocks(file, text string) []readmeBlock {
	matches := fence.FindAllStringSubmatchIndex(text, -1)
	var out []readmeBlock
	for i, m := range matches {
		if text[m[2]:m[3]] != "graphql" {
			continue
		}
		blk := readmeBlock{file: file, line: strings.Count(text[:m[0]], "\n") + 1, source: text[m[4]:m[5]]}
		if i+1 < len(matches) {
			next := matches[i+1]
			if text[next[2]:next[3]] == "json" && strings.TrimSpace(text[m[1]:next[0]]) == "" {
				blk.answer = text[next[4]:next[5]]
			}
		}
		out = append(out, blk)
	}
	return out
}

// TestEveryGraphQLExampleInTheReadmeRunsOnAFreshDemoServer sends every operation
// of every ```graphql block of the README to a fresh demo server (the demo admin
// signed in, as the README's reader would be for the staff examples): each is
// answered without an error and with no field null, a subscription delivers its event, and an example
// followed by its answer gets exactly that answer. Variables are taken from
// answers, never written here as ids.
func TestEveryGraphQLExampleInTheReadmeRunsOnAFreshDemoServer(t *testing.T) {
	dir := t.TempDir()
	base, logs, _ := startServer(t, map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "data", "coursegraph.db")})
	password := regexp.MustCompile(`password=(\S+)`).FindStringSubmatch(logs.String())
	if password == nil {
		t.Fatalf("no demo password in the log:\n%s", logs.String())
	}
	post := func(query string, vars map[string]any, token string) (json.RawMessage, []any) {
		t.Helper()
		raw := postWith(t, base, token, query, vars)
		var out struct {
			Data   json.RawMessage
			Errors []any
		}
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			t.Fatalf("not JSON: %s", raw)
		}
		return out.Data, out.Errors
	}
	data, errs := post(`mutation($p: String!) { login(email: "admin@example.com", password: $p) { token } }`, map[string]any{"p": password[1]}, "")
	var login struct{ Login struct{ Token string } }
	if err := json.Unmarshal(data, &login); err != nil || len(errs) > 0 {
		t.Fatalf("sign in as the demo admin: %s %v", data, errs)
	}
	token := login.Login.Token

	// The variables the examples declare, from answers.
	var ids struct {
		Comments struct {
			Edges []struct{ Node struct{ ID string } }
		}
		Schedules struct {
			Edges []struct {
				Node struct {
					ID     string
					Course struct{ ID string }
				}
			}
		}
	}
	data, errs = post(`{ comments(status: PENDING, first: 1) { edges { node { id } } } schedules(first: 1) { edges { node { id course { id } } } } }`, nil, token)
	if err := json.Unmarshal(data, &ids); err != nil || len(errs) > 0 || len(ids.Comments.Edges) == 0 || len(ids.Schedules.Edges) == 0 {
		t.Fatalf("ids for the examples: %s %v", data, errs)
	}
	vars := map[string]any{
		"id":       ids.Comments.Edges[0].Node.ID,
		"after":    nil,
		"course":   ids.Schedules.Edges[0].Node.Course.ID,
		"schedule": ids.Schedules.Edges[0].Node.ID,
		"email":    "karim@example.com", // a reader of the demo blog
	}
	// What sets off each subscription's event.
	triggers := map[string]string{
		"commentPosted":   `mutation { postComment(input: {articleId: "` + firstArticle(t, post) + `", authorName: "Reader", authorEmail: "reader@example.com", body: "A comment to announce."}) { id } }`,
		"enquiryReceived": `mutation { submitEnquiry(input: {name: "Reader", email: "reader@example.com", message: "A message to announce."}) { id } }`,
	}

	blocks := readmeBlocks(t)
	if len(blocks) < 5 {
		t.Fatalf("found %d graphql blocks in the README; the parser is broken", len(blocks))
	}
	ran := 0
	for _, blk := range blocks {
		src := strings.ReplaceAll(blk.source, "the password from the log", password[1])
		doc, err := parser.ParseQuery(&ast.Source{Name: "README.md", Input: src})
		if err != nil {
			t.Errorf("%s:%d: the example does not parse: %v", blk.file, blk.line, err)
			continue
		}
		for _, op := range doc.Operations {
			var b strings.Builder
			formatter.NewFormatter(&b).FormatQueryDocument(&ast.QueryDocument{Operations: ast.OperationList{op}, Fragments: doc.Fragments})
			opVars := map[string]any{}
			for _, v := range op.VariableDefinitions {
				val, ok := vars[v.Variable]
				if !ok {
					t.Fatalf("%s:%d: the test has no value for $%s", blk.file, blk.line, v.Variable)
				}
				opVars[v.Variable] = val
			}
			ran++
			if op.Operation == ast.Subscription {
				field := op.SelectionSet[0].(*ast.Field).Name
				subscribe(t, base, token, b.String(), func() { post(triggers[field], nil, "") }, blk)
				continue
			}
			data, errs := post(b.String(), opVars, token)
			var fields map[string]any
			_ = json.Unmarshal(data, &fields)
			empty := len(fields) == 0
			for _, v := range fields {
				empty = empty || v == nil
			}
			if len(errs) > 0 || empty {
				t.Errorf("%s:%d: %s\nanswered %s %v", blk.file, blk.line, b.String(), data, errs)
				continue
			}
			if blk.answer != "" {
				var want, got any
				if err := json.Unmarshal([]byte(blk.answer), &want); err != nil {
					t.Fatalf("%s:%d: the answer shown is not JSON: %v", blk.file, blk.line, err)
				}
				_ = json.Unmarshal([]byte(`{"data":`+string(data)+`}`), &got)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s:%d: the answer differs from the one shown (-README +server):\n%s", blk.file, blk.line, diff)
				}
			}
		}
	}
	t.Logf("ran %d operations from %d graphql blocks", ran, len(blocks))
}

func firstArticle(t *testing.T, post func(string, map[string]any, string) (json.RawMessage, []any)) string {
	t.Helper()
	data, _ := post(`{ articles(first: 1) { edges { node { id } } } }`, nil, "")
	var got struct {
		Articles struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := json.Unmarshal(data, &got); err != nil || len(got.Articles.Edges) == 0 {
		t.Fatalf("no article: %s", data)
	}
	return got.Articles.Edges[0].Node.ID
}

// subscribe runs a subscription over graphql-transport-ws as token's user, calls
// trigger once it is subscribed, and wants one event without errors.
func subscribe(t *testing.T, base, token, query string, trigger func(), blk readmeBlock) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("%s:%d: dial: %v", blk.file, blk.line, err)
	}
	defer conn.CloseNow()
	send := func(msg map[string]any) {
		b, _ := json.Marshal(msg)
		if err := conn.Write(ctx, coderws.MessageText, b); err != nil {
			t.Fatalf("%s:%d: write: %v", blk.file, blk.line, err)
		}
	}
	read := func() map[string]any {
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				t.Fatalf("%s:%d: read: %v", blk.file, blk.line, err)
			}
			var msg map[string]any
			_ = json.Unmarshal(b, &msg)
			if msg["type"] != "ping" && msg["type"] != "pong" {
				return msg
			}
		}
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}})
	if msg := read(); msg["type"] != "connection_ack" {
		t.Fatalf("%s:%d: connection_init: %v", blk.file, blk.line, msg)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query}})
	// Events are read in the background; the trigger is sent again until one
	// comes, since the subscription starts a moment after the server reads it.
	events := make(chan map[string]any, 16)
	go func() {
		defer close(events)
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				return
			}
			var msg map[string]any
			_ = json.Unmarshal(b, &msg)
			if msg["type"] != "ping" && msg["type"] != "pong" {
				events <- msg
			}
		}
	}()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	trigger()
	for {
		select {
		case msg, ok := <-events:
			payload, _ := msg["payload"].(map[string]any)
			if !ok || msg["type"] != "next" || payload["errors"] != nil || payload["data"] == nil {
				t.Errorf("%s:%d: %s\ngot %v", blk.file, blk.line, query, msg)
			}
			return
		case <-tick.C:
			trigger()
		case <-ctx.Done():
			t.Errorf("%s:%d: %s: no event", blk.file, blk.line, query)
			return
		}
	}
}
