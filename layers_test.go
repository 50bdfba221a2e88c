package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// layer is what one package of ours may import of ours, and what from outside
// (a prefix of an import path) it must not.
type layer struct {
	may     []string
	mustNot []string
}

// httpOrGraphQL are the imports that tie a package to the wire: the business
// layers (models, store, auth, service) stay free of them.
var httpOrGraphQL = []string{"net/http", "github.com/99designs/gqlgen", "github.com/vektah/gqlparser"}

// layers is STYLE.md's layering as the repository has it: models → store →
// service → graph (the schema side) → gqlserver (the HTTP side) → main, with auth
// and the small leaf packages beside them. A package of ours that is not
// listed fails the test, so that a new one comes with its rule.
var layers = map[string]layer{
	"models":          {nil, append([]string{"gorm.io"}, httpOrGraphQL...)},
	"store":           {[]string{"models", "readroute"}, httpOrGraphQL},
	"store/seed":      {[]string{"markdown", "models", "store"}, httpOrGraphQL},
	"store/storetest": {[]string{"models", "store"}, httpOrGraphQL},
	"auth":            {[]string{"models"}, append([]string{"gorm.io"}, httpOrGraphQL...)},
	"service":         {[]string{"auth", "cachetag", "events", "instant", "mail", "markdown", "models", "ratelimit", "store"}, httpOrGraphQL},
	"graph": {[]string{"auth", "graph/loaders", "graph/model", "graph/scalars", "instant", "models", "service"},
		[]string{"gorm.io", "net/http"}},
	"gqlserver": {[]string{"auth", "events", "gqlhttp", "gqlserver/respcache", "graph", "instant", "logging", "metrics", "models",
		"persisted", "playground", "ratelimit", "readroute", "redisconn", "service"}, []string{"gorm.io"}},
	"graph/loaders": {[]string{"metrics", "models", "service"}, []string{"gorm.io", "net/http"}},
	"graph/model":   {[]string{"models"}, []string{"gorm.io"}},
	"graph/scalars": {[]string{"models"}, []string{"gorm.io"}},
	// The generator that makes generated.go marshal lists inline.
	"graph/internal/inlinelists": {},
	"gqlserver/respcache":        {[]string{"cachetag", "instant", "readroute", "redisconn"}, []string{"gorm.io"}},
	"gqlhttp":                    {[]string{"metrics", "models"}, []string{"gorm.io"}},
	"persisted":                  {[]string{"redisconn"}, []string{"gorm.io"}},
	"redisconn/redistest":        {[]string{"redisconn"}, nil},
	"metrics/metricstest":        {[]string{"metrics"}, nil},
	"events/redisbus":            {[]string{"events", "metrics", "redisconn"}, httpOrGraphQL},
	// The endpoint under test of graph's and gqlserver's tests.
	"apitest":   {[]string{"auth", "gqlserver", "logging", "models", "service", "store"}, nil},
	"tracing":   {[]string{"store"}, nil},
	"markdown":  {[]string{"models"}, httpOrGraphQL},
	"ratelimit": {[]string{"metrics", "redisconn"}, httpOrGraphQL},
	// Leaves: they import nothing of ours.
	"cachetag": {}, "events": {}, "instant": {}, "readroute": {}, "metrics": {}, "logging": {}, "mail": {}, "redisconn": {}, "playground": {},
	// The benchmark's own programs.
	"bench/compare": {[]string{"bench/internal/benchproc", "bench/scenario", "models"}, nil},
	"bench/raw":     {[]string{"bench/scenario", "models"}, nil},
	"bench/pgo":     {[]string{"bench/internal/benchproc", "bench/scenario"}, nil},
	"bench/dataset": {[]string{"auth", "markdown", "models", "store"}, nil},
	"bench/load":    {}, "bench/scenario": {},
	// What compare and pgo share to start servers and post to them: a leaf.
	"bench/internal/benchproc": {},
	// The ceiling of a cache hit: the standard library only.
	"bench/limit": {},
	// The scale-out checks: a client from outside, as an operator's tools.
	"test/scaleout": {},
}

// TestEveryPackageImportsOnlyWhatItsLayerMay reads the import lists `go list`
// gives and checks each of our packages against layers.
func TestEveryPackageImportsOnlyWhatItsLayerMay(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, "coursegraph"), "/")
		if name == "" {
			continue // main: the one wiring point, may import everything
		}
		seen++
		l, ok := layers[name]
		if !ok {
			t.Errorf("package %s has no row in layers: add its rule (and state it in its doc)", name)
			continue
		}
		for _, imp := range p.Imports {
			if ours, isOurs := strings.CutPrefix(imp, "coursegraph/"); isOurs {
				if !slices.Contains(l.may, ours) {
					t.Errorf("%s imports %s, which its layer may not (it may import %v)", name, ours, l.may)
				}
				continue
			}
			for _, bad := range l.mustNot {
				if imp == bad || strings.HasPrefix(imp, bad+"/") {
					t.Errorf("%s imports %s, which its layer must not", name, imp)
				}
			}
		}
	}
	if seen < 20 {
		t.Fatalf("go list found %d packages of ours; the test reads nothing", seen)
	}
}
