package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// environment is a process environment for loadConfigFrom: its getenv and its
// list of names.
type environment map[string]string

func (e environment) getenv(k string) string { return e[k] }

func (e environment) environ() []string {
	var out []string
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

// TestASettingTheServerDoesNotKnowIsReportedWhenItLooksLikeOurs: a name that
// starts like one of the server's settings (DATABASE_, REDIS_, SMTP_, REPLICA_,
// ...) but is none of them would do nothing in silence; it is reported (with
// the setting it may be a misspelling of), while other software's variables,
// the project's own test variables, and names set empty, are not.
func TestASettingTheServerDoesNotKnowIsReportedWhenItLooksLikeOurs(t *testing.T) {
	env := environment{
		"DATABASE_POOL_SIZE": "20", "DATABSE_URL": "mysql://x", "REPLICA_HOSTS": "db2", "SMTP_URI": "smtp://mail:25",
		"QUERY_MAX_DEPHT": "5", "REDIS_URL": "redis://127.0.0.1:6379/0", "REDIS_POOL": "8", "CACHE_PURGE_TOKEN": "",
		"OTEL_SERVICE_NAME": "coursegraph", "REDIS_TEST_URL": "redis://127.0.0.1:6379/15", "HOME": "/root", "PATH": "/usr/bin", "GOMAXPROCS": "2", "PORT": "8080",
	}
	c, err := loadConfigFrom(nil, env.getenv, env.environ, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"DATABASE_POOL_SIZE",
		"DATABSE_URL (did you mean DATABASE_URL?)",
		"QUERY_MAX_DEPHT (did you mean QUERY_MAX_DEPTH?)",
		"REDIS_POOL",
		"REPLICA_HOSTS",
		"SMTP_URI (did you mean SMTP_URL?)",
	}
	if diff := cmp.Diff(want, c.UnknownSettings); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}

	t.Run("each is logged at start as a warning naming it", func(t *testing.T) {
		for k, v := range env {
			t.Setenv(k, v)
		}
		var stderr bytes.Buffer
		_, _, err := configure(stdio{getenv: env.getenv, stderr: &stderr}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"DATABASE_POOL_SIZE", "REPLICA_HOSTS", "SMTP_URI (did you mean SMTP_URL?)"} {
			if !strings.Contains(stderr.String(), "level=WARN msg=\"unknown setting, ignored") || !strings.Contains(stderr.String(), name) {
				t.Errorf("the log does not warn of %s:\n%s", name, stderr.String())
			}
		}
	})
}

// TestASettingThatNeedsAnotherStopsStartWithoutIt: a Redis setting without
// REDIS_URL, a mail setting without SMTP_URL, a backup setting
// without BACKUP_DIR would run the server as if unset; start stops and says
// which to set. The needed setting may come from a flag; a variable of
// another program that merely looks like ours (REDIS_TEST_URL) is not
// refused.
func TestASettingThatNeedsAnotherStopsStartWithoutIt(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  environment
		args []string
		want string // "" for none
	}{
		{"a Redis setting without REDIS_URL", environment{"REDIS_TIMEOUT": "1s"}, nil, "REDIS_TIMEOUT is set but REDIS_URL is not"},
		{"a Redis setting with REDIS_URL", environment{"REDIS_TIMEOUT": "1s", "REDIS_URL": "redis://127.0.0.1:6379/0"}, nil, ""},
		{"a Redis setting with -redis-url", environment{"REDIS_TIMEOUT": "1s"}, []string{"-redis-url", "redis://127.0.0.1:6379/0"}, ""},
		{"another program's Redis variable without REDIS_URL", environment{"REDIS_TEST_URL": "redis://127.0.0.1:6379/15"}, nil, ""},
		{"a mail timeout without SMTP_URL", environment{"SMTP_TIMEOUT": "20s"}, nil, "SMTP_TIMEOUT is set but SMTP_URL is not"},
		{"an outbox interval without SMTP_URL", environment{"MAIL_POLL_INTERVAL": "1s"}, nil, "MAIL_POLL_INTERVAL is set but SMTP_URL is not"},
		{"a notice address without SMTP_URL", environment{"NOTIFY_EMAIL": "office@example.com"}, nil, "NOTIFY_EMAIL is set but SMTP_URL is not"},
		{"a backup count without BACKUP_DIR", environment{"BACKUP_KEEP": "3"}, nil, "BACKUP_KEEP is set but BACKUP_DIR is not"},
		{"a backup count with -backup-dir", environment{"BACKUP_KEEP": "3"}, []string{"-backup-dir", t.TempDir()}, ""},
		{"staff freedom without trusted documents", environment{"TRUSTED_DOCUMENTS_STAFF": "true"}, nil, "TRUSTED_DOCUMENTS_STAFF is set but TRUSTED_DOCUMENTS is not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfigFrom(tc.args, tc.env.getenv, tc.env.environ, io.Discard)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error = %v; want %q", err, tc.want)
			}
		})
	}
}
