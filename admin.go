package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"

	"golang.org/x/term"
)

// userCommand reads `coursegraph user create` and `coursegraph user
// reset-password` (args starts with the subcommand, which run has checked): their
// flags and the password. It returns the command to run once the database is
// open, so that a mistake or -h costs no connection.
func userCommand(args []string, getenv func(string) string, stdin io.Reader, stderr io.Writer) (func(context.Context, *service.Service, io.Writer) error, error) {
	if args[0] == "create" {
		fs := flag.NewFlagSet("coursegraph user create", flag.ContinueOnError)
		email := fs.String("email", "", "the user's email address (required)")
		name := fs.String("name", "", "the user's name (required)")
		roleName := fs.String("role", "staff", "admin, editor or staff")
		if err := parseUserFlags(fs, args[1:], stderr); err != nil {
			return nil, err
		}
		role, ok := models.ParseRole(*roleName)
		if !ok {
			return nil, usageErrorf("--role must be admin, editor or staff, not %q", *roleName)
		}
		if *email == "" || *name == "" {
			return nil, usageErrorf("user create needs --email and --name")
		}
		password, err := readPassword(getenv, stdin, stderr)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, svc *service.Service, stdout io.Writer) error {
			u, err := svc.CreateUser(auth.AsSystem(ctx), models.UserInput{Name: name, Email: email, Role: &role}, password)
			if err != nil {
				return fmt.Errorf("create user: %w", err)
			}
			fmt.Fprintf(stdout, "created %s %s (%s)\n", u.Role, u.Email, u.Name)
			return nil
		}, nil
	}
	fs := flag.NewFlagSet("coursegraph user reset-password", flag.ContinueOnError)
	email := fs.String("email", "", "the user's email address (required)")
	if err := parseUserFlags(fs, args[1:], stderr); err != nil {
		return nil, err
	}
	if *email == "" {
		return nil, usageErrorf("user reset-password needs --email")
	}
	password, err := readPassword(getenv, stdin, stderr)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, svc *service.Service, stdout io.Writer) error {
		u, err := svc.ResetPassword(auth.AsSystem(ctx), *email, password)
		if err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		fmt.Fprintf(stdout, "set a new password for %s and signed out their sessions\n", u.Email)
		return nil
	}, nil
}

// parseUserFlags parses a user subcommand's flags: -h is not an error, and
// anything else the flags do not expect is a usage error.
func parseUserFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	return parseFlags(fs, args, stderr, "Usage of "+fs.Name()+" (the password is asked for on a terminal, or read from standard input or USER_PASSWORD):")
}

// readPassword gets the password for a user command, never from the command
// line, where other users of the machine could read it: from USER_PASSWORD; or,
// when stdin is a terminal, typed twice without echo after prompts on prompt; or
// else the first line of stdin (a pipe, a file, a secret mounted by a script).
// It does not validate: the service does, as for the API.
func readPassword(getenv func(string) string, stdin io.Reader, prompt io.Writer) (string, error) {
	if p := getenv("USER_PASSWORD"); p != "" {
		return p, nil
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fd := int(f.Fd())
		read := func(label string) (string, error) {
			fmt.Fprint(prompt, label)
			p, err := term.ReadPassword(fd)
			fmt.Fprintln(prompt)
			if err != nil {
				return "", fmt.Errorf("read password from the terminal: %w", err)
			}
			return string(p), nil
		}
		first, err := read("Password: ")
		if err != nil {
			return "", err
		}
		if first == "" {
			return "", errors.New("no password given")
		}
		again, err := read("Password again: ")
		if err != nil {
			return "", err
		}
		if again != first {
			return "", errors.New("the two passwords differ; nothing was changed")
		}
		return first, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	if p := strings.TrimRight(line, "\r\n"); p != "" {
		return p, nil
	}
	return "", errors.New("give the password on standard input or in USER_PASSWORD")
}

// demoAdminEmail is the account made for the embedded development database.
const demoAdminEmail = "admin@example.com"

// bootstrapAdmin makes the first admin when there is none: from ADMIN_EMAIL and
// ADMIN_PASSWORD when given; otherwise, on the embedded development database only,
// a demo admin with a random password that is logged once (demoPassword, when
// run made it early to hash it ahead; else a new one). Production never gets
// an account it was not told to make, and there is no fixed default password.
func bootstrapAdmin(ctx context.Context, cfg Config, svc *service.Service, demoPassword string, log *slog.Logger) error {
	exists, err := svc.HasActiveAdmin(ctx)
	if err != nil || exists {
		return err
	}
	system := auth.AsSystem(ctx)
	role := models.RoleAdmin
	if cfg.Auth.AdminEmail != "" {
		name := cfg.Auth.AdminName
		if _, err := svc.CreateUser(system, models.UserInput{Name: &name, Email: &cfg.Auth.AdminEmail, Role: &role}, cfg.Auth.AdminPassword); err != nil {
			return fmt.Errorf("create the first admin from ADMIN_EMAIL: %w", err)
		}
		log.Info("created the first admin", slog.String("email", cfg.Auth.AdminEmail))
		return nil
	}
	if !cfg.Embedded() || cfg.Production() {
		log.Warn("no active admin: set ADMIN_EMAIL and ADMIN_PASSWORD, or run `coursegraph user create --role admin`")
		return nil
	}
	password := demoPassword
	if password == "" {
		password = newDemoPassword()
	}
	email, name := demoAdminEmail, "Demo Admin"
	if _, err := svc.CreateUser(system, models.UserInput{Name: &name, Email: &email, Role: &role}, password); err != nil {
		return fmt.Errorf("create the demo admin: %w", err)
	}
	log.Warn("created a demo admin for the development database; this password is shown only now",
		slog.String("email", email), slog.String("password", password))
	return nil
}

// newDemoPassword returns a random password for the demo admin.
func newDemoPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// demoAdminWanted reports whether this start will most likely create the demo
// admin: a development server on an embedded database that does not exist yet,
// without ADMIN_EMAIL. (bootstrapAdmin decides; this only lets its password be
// hashed ahead.)
func demoAdminWanted(cfg Config) bool {
	file, ok := store.SQLiteFile(cfg.Database.URL)
	if !ok || cfg.Production() || cfg.Auth.AdminEmail != "" {
		return false
	}
	_, err := os.Stat(file)
	return errors.Is(err, os.ErrNotExist)
}
