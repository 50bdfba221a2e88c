package markdown_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"coursegraph/markdown"
	"coursegraph/models"

	"github.com/google/go-cmp/cmp"
)

func TestRenderIsSafeAgainstScriptsHandlersAndDangerousLinks(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		banned     []string
	}{
		{"an inline script tag", "Hello <script>alert(1)</script> world", []string{"<script"}},
		{"a script block", "<script>\nalert(1)\n</script>\n\nText.", []string{"<script", "alert(1)"}},
		{"raw HTML with an event handler", `<img src="x.png" onerror="alert(1)">`, []string{"onerror", "alert"}},
		{"an event handler on a div", `<div onclick="steal()">click</div>`, []string{"onclick", "steal"}},
		{"a javascript: link", `[click me](javascript:alert(1))`, []string{"href=\"javascript:"}},
		{"a JavaScript: link in mixed case", `[x](JaVaScRiPt:alert(1))`, []string{"href=\"javascript:"}},
		{"a data: link", `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`, []string{"data:"}},
		{"a data: image", `![x](data:image/svg+xml;base64,PHN2Zz4=)`, []string{"data:"}},
		{"an iframe", `<iframe src="https://evil.example"></iframe>`, []string{"<iframe"}},
		{"a style tag", `<style>body{display:none}</style>`, []string{"<style", "display:none"}},
		{"an autolinked javascript", `<javascript:alert(1)>`, []string{"href=\"javascript:"}},
		{"a link with an encoded javascript scheme", `[x](jav&#x09;ascript:alert(1))`, []string{"href=\"jav"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := markdown.Render(tc.body)
			if tags := tagsOnly(doc.HTML); dangerous.MatchString(tags) {
				t.Errorf("a tag of the HTML has %q:\n%s", dangerous.FindString(tags), doc.HTML)
			}
			if err != nil {
				t.Fatal(err)
			}
			lower := strings.ToLower(doc.HTML)
			for _, b := range tc.banned {
				if strings.Contains(lower, strings.ToLower(b)) {
					t.Errorf("HTML contains %q:\n%s", b, doc.HTML)
				}
			}
		})
	}
}

func TestRenderKeepsMarkdownTablesAndSafeLinks(t *testing.T) {
	doc, err := markdown.Render("| Course | Fee |\n|---|--:|\n| Web | 8,500 |\n\nSee [the centre](https://centre.example) and **bold**.")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<table>", "<th>Course</th>", `<td align="right">8,500</td>`, `href="https://centre.example"`, `rel="nofollow noopener"`, "<strong>bold</strong>"} {
		if !strings.Contains(doc.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, doc.HTML)
		}
	}
}

func TestHeadingsGetStableUniqueAnchorsListedInTheTableOfContents(t *testing.T) {
	body := "# What Does a Back-End Developer Do?\n\nIntro.\n\n## Core Responsibilities\n\nText.\n\n## Core Responsibilities\n\nAgain.\n\n### Skills & Tools\n"
	doc, err := markdown.Render(body)
	if err != nil {
		t.Fatal(err)
	}
	want := []models.Heading{
		{Level: 1, Text: "What Does a Back-End Developer Do?", Anchor: "what-does-a-back-end-developer-do"},
		{Level: 2, Text: "Core Responsibilities", Anchor: "core-responsibilities"},
		{Level: 2, Text: "Core Responsibilities", Anchor: "core-responsibilities-1"},
		{Level: 3, Text: "Skills & Tools", Anchor: "skills-tools"},
	}
	if diff := cmp.Diff(want, doc.TableOfContents); diff != "" {
		t.Errorf("table of contents (-want +got):\n%s", diff)
	}
	if !strings.Contains(doc.HTML, `<h2 id="core-responsibilities-1">`) {
		t.Errorf("anchors missing from the HTML:\n%s", doc.HTML)
	}
	again, _ := markdown.Render(body)
	if again.HTML != doc.HTML {
		t.Error("rendering the same body twice differs")
	}
}

func TestAnchorsStayUniqueWhenAHeadingLooksLikeANumberedOne(t *testing.T) {
	doc, err := markdown.Render("## FAQs\n\n## FAQs 1\n\n## FAQs\n\n> ## FAQs\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<h2 id="faqs">FAQs</h2>`, `<h2 id="faqs-1">FAQs 1</h2>`, `<h2 id="faqs-2">FAQs</h2>`, `<h2 id="faqs-3">FAQs</h2>`} {
		if !strings.Contains(doc.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, doc.HTML)
		}
	}
}

// TestManyRepeatedHeadingsRenderInLinearTime guards the anchor numbering: trying
// every suffix from 1 again for each repeat took minutes for this body, not the
// tenth of a second it takes now. The bound is loose so a busy machine passes.
func TestManyRepeatedHeadingsRenderInLinearTime(t *testing.T) {
	start := time.Now()
	doc, err := markdown.Render(strings.Repeat("## a-1\n\n", 2000) + strings.Repeat("## a\n\n", 20000))
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("rendering took %v", took)
	}
	if got, want := doc.TableOfContents[len(doc.TableOfContents)-1].Anchor, "a-20000"; got != want {
		t.Errorf("last anchor = %q; want %q", got, want)
	}
}

func TestFaqSectionQuestionsAndAnswers(t *testing.T) {
	body := "## Intro\n\nText.\n\n## FAQs\n\n### What is a back-end developer?\n\nSomeone who builds the server side.\n\nIt has *two* paragraphs.\n\n### Which languages?\n\n- Go\n- Python\n\n## Conclusion\n\nNot a question.\n"
	doc, err := markdown.Render(body)
	if err != nil {
		t.Fatal(err)
	}
	want := []models.Faq{
		{Question: "What is a back-end developer?", Answer: "Someone who builds the server side. It has two paragraphs."},
		{Question: "Which languages?", Answer: "Go Python"},
	}
	if diff := cmp.Diff(want, doc.Faqs); diff != "" {
		t.Errorf("FAQs (-want +got):\n%s", diff)
	}
}

func TestInlineCodeRendersAndCountsAsWords(t *testing.T) {
	for _, tc := range []struct {
		name, body, html string
		words            int
	}{
		{"inline code in a paragraph", "Run `go test ./...` now.", "<p>Run <code>go test ./...</code> now.</p>", 5},
		{"inline code with a backtick inside", "Use ``a ` b`` here.", "<code>a ` b</code>", 5},
		{"inline code across a line break", "Say `hello\nworld` twice.", "<code>hello world</code>", 4},
		{"inline code in a table cell", "| Command | Does |\n|---|---|\n| `go vet` | checks |\n", "<td><code>go vet</code></td>", 5},
		{"inline code in a list item", "- `a`\n- `b`\n", "<li><code>a</code></li>", 2},
		{"an empty-looking code span", "Odd `` ` `` here.", "<code>`</code>", 3},
		{"inline raw HTML", "Press <kbd>Ctrl</kbd> and <kbd>C</kbd>.", "Press Ctrl and C.", 4},
		{"autolinks", "See https://go.dev and <https://pkg.go.dev>.", `href="https://pkg.go.dev"`, 4},
		{"an image", "Look ![a gopher](gopher.png) here.", `alt="a gopher"`, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := markdown.Render(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(doc.HTML, tc.html) {
				t.Errorf("HTML lacks %q:\n%s", tc.html, doc.HTML)
			}
			if doc.Words != tc.words {
				t.Errorf("words = %d; want %d", doc.Words, tc.words)
			}
		})
	}
}

func TestHeadingTextAndAnchorComeFromItsInlineContent(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       models.Heading
	}{
		{"inline code", "## Using `go test`\n", models.Heading{Level: 2, Text: "Using go test", Anchor: "using-go-test"}},
		{"only inline code", "## `gofmt`\n", models.Heading{Level: 2, Text: "gofmt", Anchor: "gofmt"}},
		{"a link, whose URL is not text", "## See [the docs](https://docs.example/x)\n", models.Heading{Level: 2, Text: "See the docs", Anchor: "see-the-docs"}},
		{"emphasis, strong and strikethrough", "## *Really* **fast** ~~slow~~ code\n", models.Heading{Level: 2, Text: "Really fast slow code", Anchor: "really-fast-slow-code"}},
		{"code inside a link", "## Read [`go doc`](https://pkg.go.dev)\n", models.Heading{Level: 2, Text: "Read go doc", Anchor: "read-go-doc"}},
		{"inline raw HTML, whose tags are not text", "## Fish <em>and</em> chips\n", models.Heading{Level: 2, Text: "Fish and chips", Anchor: "fish-and-chips"}},
		{"entities and escapes", "## Fish &amp; Chips \\*not\\* &#35;1\n", models.Heading{Level: 2, Text: "Fish & Chips *not* #1", Anchor: "fish-chips-not-1"}},
		{"a bare URL", "## Visit https://go.dev today\n", models.Heading{Level: 2, Text: "Visit https://go.dev today", Anchor: "visit-https-go-dev-today"}},
		{"an email autolink", "## Mail <me@x.example>\n", models.Heading{Level: 2, Text: "Mail me@x.example", Anchor: "mail-me-x-example"}},
		{"an image", "## The ![Go gopher](gopher.png) mascot\n", models.Heading{Level: 2, Text: "The Go gopher mascot", Anchor: "the-go-gopher-mascot"}},
		{"a setext heading over two lines", "Two\nlines\n===\n", models.Heading{Level: 1, Text: "Two lines", Anchor: "two-lines"}},
		{"no text at all", "## <br>\n", models.Heading{Level: 2, Text: "", Anchor: "section"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := markdown.Render(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]models.Heading{tc.want}, doc.TableOfContents); diff != "" {
				t.Errorf("table of contents (-want +got):\n%s", diff)
			}
			if want := fmt.Sprintf(`<h%d id="%s">`, tc.want.Level, tc.want.Anchor); !strings.Contains(doc.HTML, want) {
				t.Errorf("HTML lacks %q:\n%s", want, doc.HTML)
			}
		})
	}
}

func TestFaqWithInlineCodeLinksAndAutolinks(t *testing.T) {
	body := "## FAQ\n\n### What does `go vet` do?\n\nIt runs `vet` checks on [your code](https://x.example).\n\n| Flag | Means |\n|---|---|\n| `-n` | dry run |\n\n### Where *are* the docs?\n\nAt <https://pkg.go.dev>.\n"
	doc, err := markdown.Render(body)
	if err != nil {
		t.Fatal(err)
	}
	want := []models.Faq{
		{Question: "What does go vet do?", Answer: "It runs vet checks on your code. Flag Means -n dry run"},
		{Question: "Where are the docs?", Answer: "At https://pkg.go.dev."},
	}
	if diff := cmp.Diff(want, doc.Faqs); diff != "" {
		t.Errorf("FAQs (-want +got):\n%s", diff)
	}
}

func TestReadingTimeFollowsTheWordCount(t *testing.T) {
	for _, tc := range []struct {
		words, minutes int
	}{{0, 1}, {1, 1}, {200, 1}, {201, 2}, {1000, 5}} {
		doc, err := markdown.Render(strings.Repeat("word ", tc.words))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Words != tc.words || doc.ReadingTimeMinutes != tc.minutes {
			t.Errorf("%d words: got %d words, %d minutes; want %d minutes", tc.words, doc.Words, doc.ReadingTimeMinutes, tc.minutes)
		}
	}
}

// dangerous matches what must never stand inside a tag: script and frame elements,
// event handler attributes, and script or data URLs.
var dangerous = regexp.MustCompile(`script|iframe|\son[a-z]+\s*=|javascript:|data:`)

// tagsOnly returns the inside of the HTML's tags, lower-cased, where attributes live.
func tagsOnly(html string) string {
	var b strings.Builder
	in := false
	for _, r := range strings.ToLower(html) {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestBanglaHeadingsKeepTheirWordsInTheirAnchors(t *testing.T) {
	body := "## ওয়েব ডিজাইন শেখার সহজ উপায়\n\nলেখা।\n\n## কোর্সের ফি ও সময়\n\nলেখা।\n\n## কোর্সের ফি ও সময়\n\nআবার।\n\n## 🚀\n\n## Excel ২০২৪: সূত্র\n"
	doc, err := markdown.Render(body)
	if err != nil {
		t.Fatal(err)
	}
	want := []models.Heading{
		{Level: 2, Text: "ওয়েব ডিজাইন শেখার সহজ উপায়", Anchor: "ওয়েব-ডিজাইন-শেখার-সহজ-উপায়"},
		{Level: 2, Text: "কোর্সের ফি ও সময়", Anchor: "কোর্সের-ফি-ও-সময়"},
		{Level: 2, Text: "কোর্সের ফি ও সময়", Anchor: "কোর্সের-ফি-ও-সময়-1"},
		{Level: 2, Text: "🚀", Anchor: "section"},
		{Level: 2, Text: "Excel ২০২৪: সূত্র", Anchor: "excel-২০২৪-সূত্র"},
	}
	if diff := cmp.Diff(want, doc.TableOfContents); diff != "" {
		t.Errorf("table of contents (-want +got):\n%s", diff)
	}
	for _, h := range want {
		if !strings.Contains(doc.HTML, `id="`+h.Anchor+`"`) {
			t.Errorf("the HTML lacks the anchor %q:\n%s", h.Anchor, doc.HTML)
		}
	}

	// A heading added above leaves the others' anchors as they were.
	above, err := markdown.Render("## নতুন অংশ\n\nলেখা।\n\n" + body)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, above.TableOfContents[1:]); diff != "" {
		t.Errorf("after a heading added above (-want +got):\n%s", diff)
	}
}
