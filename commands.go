package main

import (
	"context"
	_ "embed"
	"log/slog"
	"time"

	"coursegraph/store/seed"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"strings"
)

// stdio is a command's environment and standard streams.
type stdio struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one thing the program does: `coursegraph NAME [args]`.
type command struct {
	// name is what the command line says; operands are what follows it in the
	// help ("FILE").
	name, operands, summary string
	// run does it; args are the command line after the name.
	run func(ctx context.Context, std stdio, args []string) error
}

// commandTable is the one command table: what `coursegraph help` lists, in
// that order, and what run dispatches to.
func commandTable() []command {
	return []command{
		{"serve", "", "run the server (the default command); flags: coursegraph serve -h", runServe},
		{"migrate", "", "apply the pending database migrations (MySQL needs this before serve)", withApp(appNeeds{}, func(ctx context.Context, a *app, _ stdio) error {
			n, err := a.st.Migrate(ctx)
			if err != nil {
				return err
			}
			a.log.Info("migrated", slog.Int("applied", n))
			return nil
		})},
		{"seed", "", "write the demo data: courses, batches, schedules, articles (idempotent)", withApp(appNeeds{}, func(ctx context.Context, a *app, _ stdio) error {
			if err := seed.Run(ctx, a.st); err != nil {
				return fmt.Errorf("seed: %w", err)
			}
			a.log.Info("seeded demo data")
			return nil
		})},
		{"schema", "", "print the GraphQL schema (SDL) that the server serves", func(_ context.Context, std stdio, _ []string) error {
			return printSchema(std.stdout)
		}},
		{"backup", "FILE", "write a consistent copy of the embedded database to FILE, while the server runs", withFile("backup", func(ctx context.Context, std stdio, file string) error {
			return withApp(appNeeds{}, func(ctx context.Context, a *app, std stdio) error {
				return backupCommand(ctx, a.st, file, std.stdout)
			})(ctx, std, nil)
		})},
		{"restore", "FILE", "put a backup back as the embedded database (server stopped); keeps the one it replaces", withFile("restore", func(ctx context.Context, std stdio, file string) error {
			cfg, _, err := configure(std, nil)
			if err != nil {
				return helpIsSuccess(err)
			}
			// Not opened: it is the file being replaced.
			return restoreCommand(ctx, cfg, file, time.Now(), std.stdout)
		})},
		{"user create", "", "add a user: --email, --name, --role admin|editor|staff; asks for the password", runUser("create")},
		{"user reset-password", "", "set a user's password (--email) and sign them out everywhere", runUser("reset-password")},
		{"version", "", "print the module version and VCS revision of this build", func(_ context.Context, std stdio, _ []string) error {
			info, _ := debug.ReadBuildInfo()
			_, err := fmt.Fprint(std.stdout, versionText(info))
			return err
		}},
		{"help", "", "print this list (also -h, --help)", func(_ context.Context, std stdio, _ []string) error {
			usage(std.stdout)
			return nil
		}},
	}
}

// withApp makes a command that reads the configuration (its flags from args),
// opens the app with need, runs do and closes it.
func withApp(need appNeeds, do func(context.Context, *app, stdio) error) func(context.Context, stdio, []string) error {
	return func(ctx context.Context, std stdio, args []string) error {
		cfg, log, err := configure(std, args)
		if err != nil {
			return helpIsSuccess(err)
		}
		a, err := openApp(ctx, cfg, log, need)
		if err != nil {
			return err
		}
		defer a.close()
		return do(ctx, a, std)
	}
}

// withFile makes a command that takes one FILE argument and no flags.
func withFile(name string, do func(context.Context, stdio, string) error) func(context.Context, stdio, []string) error {
	return func(ctx context.Context, std stdio, args []string) error {
		if len(args) != 1 || strings.HasPrefix(args[0], "-") {
			usage(std.stderr)
			return usageErrorf("usage: coursegraph %s FILE", name)
		}
		return do(ctx, std, args[0])
	}
}

// runUser makes `coursegraph user create|reset-password`: its own flags and the
// password first (a mistake or -h costs no connection), the rest of the
// configuration from the environment.
func runUser(sub string) func(context.Context, stdio, []string) error {
	return func(ctx context.Context, std stdio, args []string) error {
		action, err := userCommand(append([]string{sub}, args...), std.getenv, std.stdin, std.stderr)
		if err != nil {
			return helpIsSuccess(err)
		}
		return withApp(appNeeds{redis: true}, func(ctx context.Context, a *app, std stdio) error {
			return action(ctx, a.svc, std.stdout)
		})(ctx, std, nil)
	}
}

// usage writes the list of commands.
func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("coursegraph is the GraphQL API server of a computer-training centre.\n\n")
	b.WriteString("Usage: coursegraph [command] [flags]\n\nCommands:\n")
	for _, c := range commandTable() {
		fmt.Fprintf(&b, "  %-21s %s\n", strings.TrimSpace(c.name+" "+c.operands), c.summary)
	}
	b.WriteString("\nserve, migrate and seed read the environment (DATABASE_URL, PORT, ...), overridden\n")
	b.WriteString("by their flags; user reads DATABASE_URL. docs/configuration.md lists every variable.\n")
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
