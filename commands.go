package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"strings"
)

// commands is what `coursegraph help` lists, in that order.
var commands = []struct{ name, summary string }{
	{"serve", "run the server (the default command); flags: coursegraph serve -h"},
	{"migrate", "apply the pending database migrations (MySQL needs this before serve)"},
	{"seed", "write the demo data: courses, batches, schedules, articles (idempotent)"},
	{"schema", "print the GraphQL schema (SDL) that the server serves"},
	{"backup FILE", "write a consistent copy of the embedded database to FILE, while the server runs"},
	{"restore FILE", "put a backup back as the embedded database (server stopped); keeps the one it replaces"},
	{"user create", "add a user: --email, --name, --role admin|editor|staff; asks for the password"},
	{"user reset-password", "set a user's password (--email) and sign them out everywhere"},
	{"version", "print the module version and VCS revision of this build"},
	{"help", "print this list (also -h, --help)"},
}

// usage writes the list of commands.
func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("coursegraph is the GraphQL API server of a computer-training centre.\n\n")
	b.WriteString("Usage: coursegraph [command] [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-21s %s\n", c.name, c.summary)
	}
	b.WriteString("\nserve, migrate and seed read the environment (DATABASE_URL, PORT, ...), overridden\n")
	b.WriteString("by their flags; user reads DATABASE_URL. The README lists every variable.\n")
	b.WriteString("To start over with the embedded database, stop the server and delete ./data/.\n")
	_, _ = io.WriteString(w, b.String())
}

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// usageError is a mistake in the command line (an unknown command, a bad flag):
// the program exits with status 2, as flag parsing conventionally does.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitCode is the process's exit status for run's error: 0 for none, 2 for a
// usage error, 1 for anything else.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if _, ok := errors.AsType[*usageError](err); ok {
		return 2
	}
	return 1
}

// versionText describes the build from its build info (nil when the binary has
// none): the main module's version, "(devel)" when it has none, and the VCS
// revision the go command stamped, "unknown" when absent (go test, -buildvcs=false).
func versionText(info *debug.BuildInfo) string {
	version, revision, goVersion := "(devel)", "unknown", "unknown"
	modified := false
	if info != nil {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		if info.GoVersion != "" {
			goVersion = info.GoVersion
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		revision += " (modified)"
	}
	return fmt.Sprintf("coursegraph %s\nrevision %s\ngo %s\n", version, revision, goVersion)
}

// schemaSource is schema.graphqls, from which gqlgen generated the schema the
// server executes (a test checks that they agree).
//
//go:embed schema.graphqls
var schemaSource string

// printSchema writes the schema the server executes as schema.graphqls has it,
// byte for byte: its descriptions, order and comments, as clients read it.
func printSchema(w io.Writer) error {
	_, err := io.WriteString(w, schemaSource)
	return err
}

// listen takes the server's address, saying what to do when it is taken.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w; is another server running there? Stop it, or choose another port with PORT, ADDR or -addr", addr, err)
	}
	return ln, nil
}
