package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mdLink finds Markdown links and images: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// anchors returns the GitHub anchors of the headings of a Markdown file.
func anchors(markdown string) map[string]bool {
	out := map[string]bool{}
	inCode := false
	for line := range strings.SplitSeq(markdown, "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
		}
		if inCode || !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var b strings.Builder
		for _, r := range title {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127:
				b.WriteRune(r)
			}
		}
		out[b.String()] = true
	}
	return out
}

// TestDocumentLinksStayInsideTheRepositoryAndResolve reads every Markdown file
// of the repository. A link is to a file below the document ("docs/API.md") or
// from the repository's root ("/schema.graphqls", as code hosts resolve it);
// never up a folder ("../"), which a clone, a package or a copied folder may not
// have.
func TestDocumentLinksStayInsideTheRepositoryAndResolve(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "*.md").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	docs := strings.Fields(string(out))
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, doc := range docs {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(text), -1) {
			target := m[1]
			checked++
			if strings.Contains(target, "://") || strings.HasPrefix(target, "//") {
				t.Errorf("%s links outside the repository: %s", doc, target)
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			if path == ".." || strings.HasPrefix(path, "../") || strings.Contains(path, "/../") {
				t.Errorf("%s links up a folder: %s (link from the root instead: /file)", doc, target)
				continue
			}
			file := doc
			switch {
			case strings.HasPrefix(path, "/"):
				file = filepath.Join(root, path)
			case path != "":
				file = filepath.Join(filepath.Dir(doc), path)
			}
			if path != "" {
				abs, err := filepath.Abs(file)
				if err != nil || (abs != root && !strings.HasPrefix(abs, root+string(filepath.Separator))) {
					t.Errorf("%s links outside the repository: %s", doc, target)
					continue
				}
				if _, err := os.Stat(file); err != nil {
					t.Errorf("%s links to %s, which does not exist", doc, target)
					continue
				}
			}
			if anchor != "" {
				body, err := os.ReadFile(file)
				if err != nil {
					t.Errorf("%s links to %s: %v", doc, target, err)
				} else if !anchors(string(body))[anchor] {
					t.Errorf("%s links to %s, but %s has no heading #%s", doc, target, file, anchor)
				}
			}
		}
	}
	if checked < 10 {
		t.Errorf("found only %d links: is the pattern still right?", checked)
	}
}
