package main

import (
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEverySettingIsDocumentedOnceAndEveryDocumentedOneIsRead: the environment
// variables the program reads (asked through getenv, as it starts the server or
// runs the user command) are exactly those docs/configuration.md's table
// lists, so that a new setting cannot ship undocumented nor a removed one stay.
func TestEverySettingIsDocumentedOnceAndEveryDocumentedOneIsRead(t *testing.T) {
	read := map[string]bool{}
	getenv := func(k string) string { read[k] = true; return "" }
	// No environment to look through for unknown settings: only what the
	// server reads of its own accord is recorded.
	if _, err := loadConfigFrom(nil, getenv, func() []string { return nil }, io.Discard); err != nil {
		t.Fatal(err)
	}
	tuneGC(getenv)
	_, _ = userCommand([]string{"create", "--email", "a@example.com", "--name", "A", "--role", "staff"}, getenv, strings.NewReader("a long enough password\n"), io.Discard)
	section := configurationSection(t)
	documented := map[string]int{}
	row := regexp.MustCompile("(?m)^\\| ([^|]+) \\|")
	name := regexp.MustCompile("`([A-Z][A-Z0-9_]+)`")
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		for _, n := range name.FindAllStringSubmatch(m[1], -1) {
			documented[n[1]]++
		}
	}
	var names []string
	for n := range read {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if documented[n] == 0 {
			t.Errorf("%s is read but not in docs/configuration.md's table", n)
		}
	}
	for n, count := range documented {
		if !read[n] {
			t.Errorf("%s is in docs/configuration.md's table but never read", n)
		}
		if count > 1 {
			t.Errorf("%s is documented %d times in the table", n, count)
		}
	}
	if len(read) < 40 {
		t.Fatalf("only %d settings read: the recording getenv is not used", len(read))
	}
}

// TestTheDocumentedFlagOfEachSettingIsItsFlag: docs/configuration.md's Flag column names
// each setting's flag (empty for a setting read from the environment only), and
// each setting is one of the list Config reads.
func TestTheDocumentedFlagOfEachSettingIsItsFlag(t *testing.T) {
	section := configurationSection(t)
	row := regexp.MustCompile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\|([^|]*)\\|")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		documented[m[1]] = strings.Trim(strings.TrimSpace(m[2]), "`")
	}
	var c Config
	for _, s := range c.settings() {
		flag, ok := documented[s.name]
		if !ok {
			t.Errorf("%s has no row of its own in docs/configuration.md's table", s.name)
			continue
		}
		want := ""
		if f := s.flagName(); f != "" {
			want = "-" + f
		}
		if flag != want {
			t.Errorf("%s: docs/configuration.md's flag is %q; the setting's is %q", s.name, flag, want)
		}
	}
}

// TestASettingIsReadOnceAndItsFlagWins: the flag overrides the environment,
// the environment the default, and each bad value is named.
func TestASettingIsReadOnceAndItsFlagWins(t *testing.T) {
	var got time.Duration
	list := []setting{{name: "SOME_TIMEOUT", def: "10s", set: duration(&got, time.Second, time.Minute, "10s")}}
	for _, tc := range []struct {
		env  string
		args []string
		want time.Duration
	}{
		{"", nil, 10 * time.Second},
		{"20s", nil, 20 * time.Second},
		{"20s", []string{"-some-timeout", "30s"}, 30 * time.Second},
	} {
		if err := readSettings(list, tc.args, func(string) string { return tc.env }, io.Discard); err != nil || got != tc.want {
			t.Errorf("env %q args %q: %v, %v; want %v", tc.env, tc.args, got, err, tc.want)
		}
	}
	err := readSettings(list, nil, func(string) string { return "2h" }, io.Discard)
	if err == nil || err.Error() != `SOME_TIMEOUT must be a duration from 1s to 1m, such as 10s, not "2h"` {
		t.Errorf("a bad value: %v", err)
	}
}

// configurationSection returns the "Configuration" section of
// docs/configuration.md, whose table documents the settings.
func configurationSection(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile("docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(doc) + "\n## "
	section = section[strings.Index(section, "## Configuration"):]
	return section[:strings.Index(section[3:], "\n## ")+3]
}
