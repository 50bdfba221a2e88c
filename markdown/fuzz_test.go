package markdown_test

import (
	"html"
	"strings"
	"testing"

	"coursegraph/markdown"
)

// FuzzRender checks that no body makes Render panic or fail, that its HTML never
// holds a script element or a javascript: URL, and that anchors stay unique.
// "javascript:" is only looked for inside tags: as text it is harmless, escaped
// and legitimately kept.
func FuzzRender(f *testing.F) {
	for _, body := range []string{
		"",
		"Run `go test ./...` now.",
		"Use ``a ` b`` here.",
		"Say `hello\nworld` twice.",
		"Odd `` ` `` here, and an unclosed `tick.",
		"## Using `go test`\n",
		"## See [the docs](https://docs.example/x) and *more* **bold** ~~gone~~\n",
		"## Read [`go doc`](https://pkg.go.dev)\n",
		"## Fish <em>and</em> chips &amp; \\*peas\\* &#35;1\n",
		"Two\nlines\n===\n",
		"## FAQ\n\n### What does `go vet` do?\n\nIt runs `vet` on [code](https://x.example).\n\n### Where?\n\nAt <https://pkg.go.dev>.\n",
		"| Command | Does |\n|---|--:|\n| `go vet` | checks |\n",
		"Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.",
		"See https://go.dev, www.go.dev and <me@x.example>.",
		"Look ![a `gopher`](gopher.png) here.",
		"```go\nfmt.Println(\"hi\")\n```\n\n    indented code\n",
		"> ## Quoted `code`\n\n- ## In a list\n- [ ] task\n",
		"## FAQs\n\n## FAQs 1\n\n## FAQs\n",
		"Hello <script>alert(1)</script> world",
		"<script>\nalert(1)\n</script>\n\nText.",
		"[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](jav&#x09;ascript:alert(1))",
		"<javascript:alert(1)> ![i](javascript:alert(1))",
		"[ref][r]\n\n[r]: javascript:alert(1)\n",
		`<img src="x.png" onerror="alert(1)"> <a href="javascript:x">a</a>`,
	} {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		doc, err := markdown.Render(body)
		if err != nil {
			t.Fatalf("Render(%q): %v", body, err)
		}
		if strings.Contains(strings.ToLower(doc.HTML), "<script") {
			t.Errorf("HTML has a script element:\n%s", doc.HTML)
		}
		tags := tagsOnly(doc.HTML)
		if strings.Contains(tags, "javascript:") || strings.Contains(strings.ToLower(html.UnescapeString(tags)), "javascript:") {
			t.Errorf("a tag of the HTML has a javascript: URL:\n%s", doc.HTML)
		}
		seen := map[string]bool{}
		for _, h := range doc.TableOfContents {
			if h.Anchor == "" || seen[h.Anchor] {
				t.Errorf("anchor %q is empty or repeated: %+v", h.Anchor, doc.TableOfContents)
			}
			seen[h.Anchor] = true
		}
		if again, _ := markdown.Render(body); again.HTML != doc.HTML {
			t.Errorf("rendering %q twice differs", body)
		}
	})
}
