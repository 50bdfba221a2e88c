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
	"html"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"coursegraph/models"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
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
		p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{M}\p{Nd}_-]+$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
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
	doc := md.Parser().Parse(text.NewReader(src))
	anchorHeadings(doc, src)
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

// plain returns the text of a node as a reader sees it: the text of its inline
// children with escapes and entities resolved, code as written, link and image
// labels without their URLs, raw HTML left out, and blocks separated by spaces.
//
// It reads only what goldmark gives each kind of node: block nodes own Lines,
// inline nodes (a CodeSpan too) have Text children, and calling Lines on an inline
// node panics.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			if t.IsRaw() {
				b.Write(t.Value(src))
			} else {
				writeUnescaped(&b, t.Value(src))
			}
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.AutoLink:
			b.Write(t.Label(src))
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			b.WriteByte(' ')
			lines := t.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
		default:
			if c.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// writeUnescaped writes Markdown text as it reads: a backslash-escaped punctuation
// character as itself, an entity or numeric reference as its character.
func writeUnescaped(b *strings.Builder, s []byte) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && util.IsPunct(s[i+1]):
			i++
			b.WriteByte(s[i])
		case c == '&':
			if end := bytes.IndexByte(s[i:min(len(s), i+maxEntity)], ';'); end > 1 {
				ref := string(s[i : i+end+1])
				if r := html.UnescapeString(ref); r != ref {
					b.WriteString(r)
					i += end
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

// maxEntity bounds the length of an entity or numeric reference, ";" included
// ("&CounterClockwiseContourIntegral;" is the longest HTML5 name).
const maxEntity = 34

// anchorHeadings gives every heading an id made from its text as a reader sees
// it, not from its source line (goldmark's auto heading id), which would put link
// URLs and raw HTML tags into the anchor.
func anchorHeadings(doc ast.Node, src []byte) {
	ids := newIDs()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		h.SetAttributeString("id", []byte(ids.anchor(plain(h, src))))
		return ast.WalkSkipChildren, nil
	})
}

// ids gives headings anchors made from their words, in any script, as GitHub
// does ("Core Responsibilities" → "core-responsibilities", "ওয়েব ডিজাইন" →
// "ওয়েব-ডিজাইন"): the slug of the heading's text. Unlike GitHub, punctuation
// separates words ("Skills & Tools" → "skills-tools", "go.dev" → "go-dev"), as it
// always has here, so the anchors of existing articles stay as they were. Unique
// within the document ("faqs", "faqs-1", even after a heading "FAQs 1"), so that
// the same body always gives the same anchors and a heading keeps its anchor when
// another is added above it.
type ids struct {
	used map[string]bool
	next map[string]int // the suffix to try first for a base, so n repeats cost O(n)
}

func newIDs() *ids { return &ids{used: map[string]bool{}, next: map[string]int{}} }

// anchor returns the anchor for a heading with the given text.
func (s *ids) anchor(text string) string {
	base := models.Slugify(text)
	if base == "" {
		base = "section"
	}
	id, n := base, s.next[base]
	if n > 0 {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	for s.used[id] {
		n++
		id = fmt.Sprintf("%s-%d", base, n)
	}
	s.next[base] = n + 1
	s.used[id] = true
	return id
}
