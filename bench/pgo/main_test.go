package main

import (
	"strings"
	"testing"
)

// TestTheDatabaseMustBeALoopbackBenchDatabase: -fresh drops the database, so
// pgo refuses any but a loopback one whose name says it is for benchmarks.
func TestTheDatabaseMustBeALoopbackBenchDatabase(t *testing.T) {
	for _, c := range []struct{ dsn, want string }{
		{"mysql://root@127.0.0.1:3306/coursegraph_bench_pgo", ""},
		{"mysql://root@10.0.0.7:3306/coursegraph_bench_pgo", "loopback"},
		{"mysql://root@db.example.org:3306/coursegraph_bench_pgo", "loopback"},
		{"mysql://root@127.0.0.1:3306/coursegraph", "contains \"bench\""},
		{"sqlite:data/bench.db", "mysql:// URL"},
	} {
		_, err := parseFlags([]string{"-dsn", c.dsn})
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("-dsn %s: %v; want %q", c.dsn, err, c.want)
		}
	}
}
