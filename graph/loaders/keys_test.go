package loaders_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAKeyOfOneKindIsACompileErrorForALoaderOfAnother builds small programs
// against this package: giving a loader (or a group of the loaders per argument
// values) a key of another kind must not compile, so that the kind of bug where
// article ids were hinted to tag-keyed loaders cannot be written; the same calls
// with the right kind compile.
func TestAKeyOfOneKindIsACompileErrorForALoaderOfAnother(t *testing.T) {
	goTool, err := exec.LookPath("go") // go test puts its own first on PATH
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, call string
		compiles   bool
	}{
		{"a user loaded by a user id", "l.UserByID.Load(ctx, loaders.UserID(1))", true},
		{"a user loaded by an article id", "l.UserByID.Load(ctx, loaders.ArticleID(1))", false},
		{"a user loaded by a bare integer variable", "l.UserByID.Load(ctx, uint(1))", false},
		{"a course's schedules loaded by a batch id", "l.SchedulesByCourseID.Load(ctx, loaders.BatchID(1))", false},
		{"tag pages hinted with tag ids", "l.HintTagPages([]loaders.TagID{1})", true},
		{"tag pages hinted with article ids", "l.HintTagPages([]loaders.ArticleID{1})", false},
		{"article pages hinted with tag ids", "l.HintArticlePages([]loaders.TagID{1})", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			src := "package main\n\nimport (\n\t\"context\"\n\n\t\"coursegraph/graph/loaders\"\n)\n\n" +
				"func main() {\n\tctx, l := context.Background(), (*loaders.Loaders)(nil)\n\t_ = ctx\n\t" + c.call + "\n}\n"
			file := filepath.Join(dir, "main.go")
			if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(goTool, "build", "-o", os.DevNull, file).CombinedOutput()
			switch {
			case c.compiles && err != nil:
				t.Errorf("%s does not compile: %v\n%s", c.call, err, out)
			case !c.compiles && err == nil:
				t.Errorf("%s compiles; want a type error", c.call)
			case !c.compiles && !strings.Contains(string(out), "cannot use"):
				t.Errorf("%s fails to build, but not for its key's type:\n%s", c.call, out)
			}
		})
	}
}
