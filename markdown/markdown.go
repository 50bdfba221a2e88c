// Package markdown renders article bodies: CommonMark with GFM tables through
// goldmark, sanitised with bluemonday, with stable heading anchors, a table of
// contents, the questions of an FAQ section and a word count. Rendering is pure:
// the same body always gives the same result.
//
// It may import models, goldmark and bluemonday.
package markdown

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"coursegraph/models"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Document is a rendered body.
type Document struct {
	HTML               string
	TableOfContents    []models.Heading
	Faqs               []models.Faq
	Words              int
	ReadingTimeMinutes int
}

// wordsPerMinute is an adult's silent reading speed for non-fiction.
const wordsPerMinute = 200

var md = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough, extension.Linkify,
	),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	// Raw HTML in the source is dropped by goldmark ("<!-- raw HTML omitted -->")
	// and whatever remains is sanitised again below.
)

var (
	policyOnce sync.Once
	policy     *bluemonday.Policy
)

// sanitizer allows what Markdown produces (UGC policy: no script, style, event
// handlers, or javascript:/data: URLs), plus heading ids for the anchors, and makes
// links safe to open.
func sanitizer() *bluemonday.Policy {
	policyOnce.Do(func() {
		p := bluemonday.UGCPolicy()
		p.AllowAttrs("id").Matching(regexp.MustCompile(`^[a-z0-9-]+$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
		p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		p.AllowURLSchemes("http", "https", "mailto")
		policy = p
	})
	return policy
}

// faqHeading matches the heading of an FAQ section.
var faqHeading = regexp.MustCompile(`(?i)^(faqs?|frequently asked questions)$`)

// Render renders a Markdown body.
func Render(body string) (Document, error) {
	src := []byte(body)
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(parser.NewContext(parser.WithIDs(newIDs()))))
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, src, doc); err != nil {
		return Document{}, fmt.Errorf("render markdown: %w", err)
	}
	out := Document{HTML: sanitizer().Sanitize(buf.String())}
	out.TableOfContents, out.Faqs = outline(doc, src)
	out.Words = len(strings.FieldsFunc(plain(doc, src), func(r rune) bool { return unicode.IsSpace(r) }))
	out.ReadingTimeMinutes = max(1, (out.Words+wordsPerMinute-1)/wordsPerMinute)
	return out, nil
}

// outline lists the headings, and the questions under an FAQ heading: each deeper
// heading is a question, the text up to the next heading its answer.
func outline(doc ast.Node, src []byte) ([]models.Heading, []models.Faq) {
	toc := []models.Heading{}
	faqs := []models.Faq{}
	faqLevel := 0
	var current *models.Faq
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, isHeading := n.(*ast.Heading)
		if !isHeading {
			if current != nil {
				current.Answer = strings.TrimSpace(current.Answer + " " + plain(n, src))
			}
			continue
		}
		title := strings.TrimSpace(plain(h, src))
		anchor, _ := h.AttributeString("id")
		id, _ := anchor.([]byte)
		toc = append(toc, models.Heading{Level: h.Level, Text: title, Anchor: string(id)})
		if current != nil {
			faqs = append(faqs, *current)
			current = nil
		}
		switch {
		case faqHeading.MatchString(title):
			faqLevel = h.Level
		case faqLevel > 0 && h.Level > faqLevel:
			current = &models.Faq{Question: title}
		case faqLevel > 0 && h.Level <= faqLevel:
			faqLevel = 0
		}
	}
	if current != nil {
		faqs = append(faqs, *current)
	}
	return toc, faqs
}

// plain returns the text of a node, its children's joined by spaces.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.CodeSpan, *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
		case *ast.Paragraph, *ast.Heading, *ast.ListItem:
			b.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// ids gives headings anchors made from their text ("Core Responsibilities" →
// "core-responsibilities"), unique within the document ("faqs", "faqs-1"), so that
// the same body always gives the same anchors.
type ids struct{ seen map[string]int }

func newIDs() *ids { return &ids{seen: map[string]int{}} }

func (s *ids) Generate(value []byte, _ ast.NodeKind) []byte {
	base := models.Slugify(string(value))
	if base == "" {
		base = "section"
	}
	id := base
	if n := s.seen[base]; n > 0 {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	s.seen[base]++
	return []byte(id)
}

func (s *ids) Put(value []byte) { s.seen[string(value)]++ }
