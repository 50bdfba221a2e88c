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
	"strings"

	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/service"
)

// createUserCommand runs `coursegraph user create --email E --name N --role R`. The
// password comes from USER_PASSWORD or the first line of standard input, never from
// the command line, where other users of the machine could read it.
func createUserCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer, svc *service.Service) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: coursegraph user create --email EMAIL --name NAME --role admin|editor|staff (password on standard input or in USER_PASSWORD)")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	email := fs.String("email", "", "the user's email address")
	name := fs.String("name", "", "the user's name")
	roleName := fs.String("role", "staff", "admin, editor or staff")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	role, ok := models.ParseRole(*roleName)
	if !ok {
		return fmt.Errorf("--role must be admin, editor or staff, not %q", *roleName)
	}
	password := getenv("USER_PASSWORD")
	if password == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password from standard input: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if password == "" {
		return errors.New("give the password on standard input or in USER_PASSWORD")
	}
	u, err := svc.CreateUser(auth.WithUser(ctx, auth.System), models.UserInput{Name: name, Email: email, Role: &role}, password)
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	fmt.Fprintf(stdout, "created %s %s (%s)\n", u.Role, u.Email, u.Name)
	return nil
}

// demoAdminEmail is the account made for the embedded development database.
const demoAdminEmail = "admin@example.com"

// bootstrapAdmin makes the first admin when there is none: from ADMIN_EMAIL and
// ADMIN_PASSWORD when given; otherwise, on the embedded development database only,
// a demo admin with a random password that is logged once. Production never gets
// an account it was not told to make, and there is no fixed default password.
func bootstrapAdmin(ctx context.Context, cfg Config, svc *service.Service, log *slog.Logger) error {
	exists, err := svc.HasActiveAdmin(ctx)
	if err != nil || exists {
		return err
	}
	system := auth.WithUser(ctx, auth.System)
	role := models.RoleAdmin
	if cfg.AdminEmail != "" {
		name := cfg.AdminName
		if _, err := svc.CreateUser(system, models.UserInput{Name: &name, Email: &cfg.AdminEmail, Role: &role}, cfg.AdminPassword); err != nil {
			return fmt.Errorf("create the first admin from ADMIN_EMAIL: %w", err)
		}
		log.Info("created the first admin", slog.String("email", cfg.AdminEmail))
		return nil
	}
	if !cfg.Embedded() || cfg.Production() {
		log.Warn("no active admin: set ADMIN_EMAIL and ADMIN_PASSWORD, or run `coursegraph user create --role admin`")
		return nil
	}
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	password := base64.RawURLEncoding.EncodeToString(b)
	email, name := demoAdminEmail, "Demo Admin"
	if _, err := svc.CreateUser(system, models.UserInput{Name: &name, Email: &email, Role: &role}, password); err != nil {
		return fmt.Errorf("create the demo admin: %w", err)
	}
	log.Warn("created a demo admin for the development database; this password is shown only now",
		slog.String("email", email), slog.String("password", password))
	return nil
}
