package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTheSQLiteEngineCacheSitsBesideTheDatabaseAndCanBeTurnedOff(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"beside the default database", nil, filepath.Join("data", ".sqlite-engine")},
		{"beside another file", map[string]string{"DATABASE_URL": "sqlite:/var/lib/cg/site.db"}, "/var/lib/cg/.sqlite-engine"},
		{"where it is told", map[string]string{"SQLITE_ENGINE_CACHE": "/tmp/engine"}, "/tmp/engine"},
		{"off", map[string]string{"SQLITE_ENGINE_CACHE": "off"}, ""},
		{"none for an in-memory database", map[string]string{"DATABASE_URL": "sqlite:memory:x"}, ""},
		{"none for MySQL", map[string]string{"DATABASE_URL": "mysql://u@db:3306/cg"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := loadConfig(nil, func(k string) string { return c.env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Database.SQLiteEngineCache != c.want {
				t.Errorf("SQLiteEngineCache = %q; want %q", cfg.Database.SQLiteEngineCache, c.want)
			}
		})
	}
}

// TestASecondStartReusesTheCompiledSQLiteEngine runs `migrate` twice, each in a
// process of its own (the engine is compiled once per process): the first start
// writes the compiled engine to the cache, the second reads it and writes nothing.
func TestASecondStartReusesTheCompiledSQLiteEngine(t *testing.T) {
	if os.Getenv("COURSEGRAPH_TEST_CHILD") == "migrate" {
		if err := run(t.Context(), []string{"migrate"}, os.Getenv, nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		return
	}
	dir := t.TempDir()
	start := func() {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestASecondStartReusesTheCompiledSQLiteEngine$")
		cmd.Env = append(os.Environ(), "COURSEGRAPH_TEST_CHILD=migrate", "DATABASE_URL=sqlite:"+filepath.Join(dir, "cg.db"), "LOG_LEVEL=error")
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "PASS") {
			t.Fatalf("migrate in a child process: %v\n%s", err, out)
		}
	}
	cached := func() map[string]time.Time {
		files := map[string]time.Time{}
		_ = filepath.WalkDir(filepath.Join(dir, ".sqlite-engine"), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil {
					files[path] = info.ModTime()
				}
			}
			return nil
		})
		return files
	}
	start()
	first := cached()
	if len(first) == 0 {
		t.Fatal("the first start left no compiled engine in the cache")
	}
	start()
	second := cached()
	if len(second) != len(first) {
		t.Fatalf("the second start changed the cache: %d files, then %d", len(first), len(second))
	}
	for path, mod := range first {
		if !second[path].Equal(mod) {
			t.Errorf("the second start compiled the engine again: %s was rewritten", path)
		}
	}
}
