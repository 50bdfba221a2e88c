package main

import (
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEverySettingIsDocumentedOnceAndEveryDocumentedOneIsRead: the environment
// variables the program reads (asked through getenv, as it starts the server or
// runs the user command) are exactly those the README's configuration table
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
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	section = section[strings.Index(section, "## Configuration"):]
	section = section[:strings.Index(section[3:], "\n## ")+3]
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
			t.Errorf("%s is read but not in the README's configuration table", n)
		}
	}
	for n, count := range documented {
		if !read[n] {
			t.Errorf("%s is in the README's configuration table but never read", n)
		}
		if count > 1 {
			t.Errorf("%s is documented %d times in the table", n, count)
		}
	}
	if len(read) < 40 {
		t.Fatalf("only %d settings read: the recording getenv is not used", len(read))
	}
}
