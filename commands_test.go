package main

import (
	"bytes"
	"context"
	"coursegraph/graph"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// TestMain lets a test run the real program, exit status and all: the test binary
// started with COURSEGRAPH_RUN_MAIN=1 is coursegraph.
func TestMain(m *testing.M) {
	if os.Getenv("COURSEGRAPH_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// runMain runs the program in a process of its own with args and no database
// (a DATABASE_URL in a temporary folder), and returns its exit status and output.
func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "COURSEGRAPH_RUN_MAIN=1", "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "cg.db"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		return exit.ExitCode(), out.String(), errOut.String()
	} else if err != nil {
		t.Fatalf("run coursegraph %v: %v", args, err)
	}
	return 0, out.String(), errOut.String()
}

// theCommands are the commands a newcomer must find in the help.
var theCommands = []string{"serve", "migrate", "seed", "schema", "user create", "user reset-password", "version"}

func TestHelpListsEveryCommandAndExitsZero(t *testing.T) {
	for _, arg := range []string{"help", "-h", "--help"} {
		t.Run("coursegraph "+arg, func(t *testing.T) {
			code, stdout, stderr := runMain(t, arg)
			if code != 0 {
				t.Errorf("exit status %d, want 0; stderr:\n%s", code, stderr)
			}
			for _, c := range theCommands {
				if !strings.Contains(stdout, "\n  "+c+" ") {
					t.Errorf("the help does not list %q:\n%s", c, stdout)
				}
			}
			if !strings.Contains(stdout, "./data/") {
				t.Errorf("the help does not say how to start over:\n%s", stdout)
			}
		})
	}
	t.Run("coursegraph serve -h lists the flags", func(t *testing.T) {
		code, _, stderr := runMain(t, "serve", "-h")
		if code != 0 || !strings.Contains(stderr, "-database-url") || !strings.Contains(stderr, "env DATABASE_URL") {
			t.Errorf("exit status %d, stderr:\n%s", code, stderr)
		}
	})
	t.Run("coursegraph user create -h lists its flags", func(t *testing.T) {
		code, _, stderr := runMain(t, "user", "create", "-h")
		if code != 0 || !strings.Contains(stderr, "-email") || !strings.Contains(stderr, "-role") {
			t.Errorf("exit status %d, stderr:\n%s", code, stderr)
		}
	})
}

func TestCommandLineMistakesExitTwoWithTheUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"an unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"user without a subcommand", []string{"user"}, "usage: coursegraph user create|reset-password"},
		{"an unknown user subcommand", []string{"user", "delete"}, "usage: coursegraph user create|reset-password"},
		{"an unknown flag", []string{"serve", "-nope"}, "flag provided but not defined: -nope"},
		{"an argument after the flags", []string{"migrate", "now"}, "unexpected arguments"},
		{"user create without an email", []string{"user", "create", "--name", "X"}, "needs --email and --name"},
		{"an unknown role", []string{"user", "create", "--email", "x@example.com", "--name", "X", "--role", "boss"}, "--role"},
		{"reset-password without an email", []string{"user", "reset-password"}, "needs --email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runMain(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit status %d, want 2 and %q in stderr:\n%s", code, tc.want, stderr)
			}
		})
	}
	t.Run("an unknown command is followed by the list of commands", func(t *testing.T) {
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, strings.NewReader(""), io.Discard, &stderr)
		if exitCode(err) != 2 || !strings.Contains(stderr.String(), "user reset-password") {
			t.Errorf("error %v (exit %d), stderr:\n%s", err, exitCode(err), stderr.String())
		}
	})
	t.Run("a failure that is no mistake of the command line exits one", func(t *testing.T) {
		code, _, stderr := runMain(t, "migrate", "-database-url", "postgres://db/x")
		if code != 1 || !strings.Contains(stderr, "DATABASE_URL") {
			t.Errorf("exit status %d, want 1; stderr:\n%s", code, stderr)
		}
	})
}

func TestVersionPrintsTheModuleVersionAndRevisionFromTheBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "coursegraph (devel)\nrevision unknown\ngo unknown\n"},
		{"a build without VCS information", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"coursegraph (devel)\nrevision unknown\ngo go1.26.8\n"},
		{"a released build", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"},
			Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "false"}}},
			"coursegraph v1.4.0\nrevision 0123abcd\ngo go1.26.8\n"},
		{"a build from a modified work tree", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261202074800-0123abcd+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "true"}}},
			"coursegraph v0.0.0-20261202074800-0123abcd+dirty\nrevision 0123abcd (modified)\ngo go1.26.8\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, versionText(tc.info)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("coursegraph version describes this binary", func(t *testing.T) {
		info, _ := debug.ReadBuildInfo()
		code, stdout, stderr := runMain(t, "version")
		if code != 0 || stdout != versionText(info) {
			t.Errorf("exit status %d, output %q (want %q); stderr:\n%s", code, stdout, versionText(info), stderr)
		}
	})
}

// normalSDL parses sdl and writes it back as the schema command does, so that
// white space, # comments, the order of definitions and the quoting of
// descriptions do not count, and every type, field, argument, default, directive
// and description does.
func normalSDL(t *testing.T, name, sdl string) string {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: name, Input: sdl})
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	var b strings.Builder
	if err := writeSDL(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSchemaCommandPrintsTheSchemaInSchemaGraphqls(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"schema"}, func(string) string { return "" }, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile("schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(file) {
		t.Errorf("coursegraph schema is not schema.graphqls byte for byte (-file +printed):\n%s", cmp.Diff(string(file), out.String()))
	}
	// And it is the schema the server executes: the generated code is current.
	var served strings.Builder
	if err := writeSDL(&served, graph.NewExecutableSchema(graph.Config{}).Schema()); err != nil {
		t.Fatal(err)
	}
	want := normalSDL(t, "schema.graphqls", string(file))
	if diff := cmp.Diff(want, served.String()); diff != "" {
		t.Errorf("the server executes another schema than schema.graphqls: run `go tool gqlgen generate` (-file +served):\n%s", diff)
	}
	changed := strings.Replace(string(file), "type Query {", "type Query {\n  \"A field the server does not serve.\"\n  extra: Int", 1)
	if normalSDL(t, "changed", changed) == served.String() {
		t.Error("the comparison does not notice a field the server lacks")
	}
}

func TestServeStopsOnATakenPortBeforeItTouchesTheDatabase(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dataDir := filepath.Join(t.TempDir(), "data")
	getenv := func(k string) string {
		return map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dataDir, "coursegraph.db")}[k]
	}
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"serve", "-addr", taken.Addr().String()}, getenv, strings.NewReader(""), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "cannot listen on "+taken.Addr().String()) || !strings.Contains(err.Error(), "another port") {
		t.Fatalf("serve on a taken port: %v; want a message naming the address and what to do", err)
	}
	if exitCode(err) != 1 {
		t.Errorf("exit status %d, want 1", exitCode(err))
	}
	if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
		t.Errorf("the database folder was made although the server could not start: %v", err)
	}
	if strings.Contains(stdout.String()+stderr.String(), "password") || strings.Contains(stdout.String(), "GraphQL at") {
		t.Errorf("a server that could not start printed:\n%s\n%s", stdout.String(), stderr.String())
	}
}

// writeSDL writes s as SDL, as the comparisons read it: its description and schema block, then gqlparser's
// formatting of the rest (directives and types in name order, built-ins left out,
// every description as a block string).
func writeSDL(w io.Writer, s *ast.Schema) error {
	var b strings.Builder
	if s.Description != "" {
		b.WriteString(`"""` + "\n" + s.Description + "\n" + `"""` + "\n")
	}
	b.WriteString("schema {\n")
	for _, op := range []struct {
		name string
		def  *ast.Definition
	}{{"query", s.Query}, {"mutation", s.Mutation}, {"subscription", s.Subscription}} {
		if op.def != nil {
			fmt.Fprintf(&b, "\t%s: %s\n", op.name, op.def.Name)
		}
	}
	b.WriteString("}\n")
	formatter.NewFormatter(&b).FormatSchema(s)
	_, err := io.WriteString(w, b.String())
	return err
}
