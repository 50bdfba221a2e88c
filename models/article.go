package models

import (
	"time"
)

// ArticleStatus is where an article is in its life.
type ArticleStatus string

// The article statuses.
const (
	ArticleDraft     ArticleStatus = "DRAFT"
	ArticlePublished ArticleStatus = "PUBLISHED"
	ArticleArchived  ArticleStatus = "ARCHIVED"
)

// IsValid reports whether s is a known status.
func (s ArticleStatus) IsValid() bool {
	return s == ArticleDraft || s == ArticlePublished || s == ArticleArchived
}

// Heading is an entry of an article's table of contents.
type Heading struct {
	Level  int    `json:"level"`
	Text   string `json:"text"`
	Anchor string `json:"anchor"`
}

// Faq is a question an article answers in its FAQ section.
type Faq struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Article is a post of the centre's blog. Body is Markdown; HTML, the table of
// contents, the FAQs and the reading time are derived from it on every change.
type Article struct {
	ID                 uint          `gorm:"primaryKey"`
	Slug               string        `gorm:"size:120;not null;uniqueIndex:ux_articles_slug"`
	Title              string        `gorm:"size:200;not null"`
	Summary            string        `gorm:"size:500;not null"`
	Body               string        `gorm:"type:text;not null"`
	HTML               string        `gorm:"column:html;type:text;not null"`
	Status             ArticleStatus `gorm:"size:16;not null;index:ix_articles_status_published,priority:1"`
	PublishedAt        *time.Time    `gorm:"index:ix_articles_status_published,priority:2"`
	AuthorID           uint          `gorm:"not null;index:ix_articles_author"`
	ReadingTimeMinutes int           `gorm:"not null"`
	TableOfContents    []Heading     `gorm:"column:toc;type:text;not null;serializer:json"`
	Faqs               []Faq         `gorm:"type:text;not null;serializer:json"`
	CreatedAt          time.Time     `gorm:"not null"`
	UpdatedAt          time.Time     `gorm:"not null"`

	// LoadedAuthor is the article's author when the read that found the article
	// joined it (nil otherwise): the loaders keep it, so that a page of articles
	// and their authors are one statement. Never written.
	LoadedAuthor *User `gorm:"-"`
	// Partial: the read left out the body, the HTML, the table of contents and
	// the FAQs (a list that shows none of them), which are empty. A partial
	// article is never kept by the loaders and never saved.
	Partial bool `gorm:"-"`
}

func (Article) isNode() {}

// VisibleAt reports whether the public may read the article at now: published,
// with a publication time that has come. A scheduled article becomes visible at
// its time with no job running.
func (a *Article) VisibleAt(now time.Time) bool {
	return a.Status == ArticlePublished && a.PublishedAt != nil && !a.PublishedAt.After(now)
}

// ArticleInput is a new article, or the changes to one: nil fields stay as they are.
type ArticleInput struct {
	Title   *string
	Slug    *string
	Summary *string
	Body    *string
	Tags    []string
}

// Apply writes the input's set text fields onto a (trimmed, slug normalised) and
// returns the changes; tags are the caller's to store.
func (a *Article) Apply(in ArticleInput) Changes {
	var ch Changes
	for _, s := range []*string{in.Title, in.Slug, in.Summary} {
		trim(s)
	}
	if in.Slug != nil {
		*in.Slug = NormalizeSlug(*in.Slug)
	}
	set(&ch, "title", &a.Title, in.Title)
	set(&ch, "slug", &a.Slug, in.Slug)
	set(&ch, "summary", &a.Summary, in.Summary)
	if in.Body != nil && *in.Body != a.Body {
		ch = append(ch, FieldChange{Field: "body"}) // too long to keep twice
		a.Body = *in.Body
	}
	return ch
}

// Validate checks an article as it would be stored; prefix is the input's path.
func (a *Article) Validate(prefix string) error {
	for _, err := range []error{
		ValidateText(prefix+".title", a.Title, 1, 200),
		ValidateSlug(prefix+".slug", a.Slug),
		ValidateText(prefix+".summary", a.Summary, 0, 500),
		ValidateText(prefix+".body", a.Body, 0, 100000),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// ArticleFilter selects articles; every condition that is set must hold.
type ArticleFilter struct {
	Tag      *string
	AuthorID *uint
	Search   *string
	Status   *ArticleStatus
}

// Validate checks the filter; prefix is its path.
func (f ArticleFilter) Validate(prefix string) error {
	if f.Search != nil {
		if err := ValidateText(prefix+".search", *f.Search, 0, 200); err != nil {
			return err
		}
	}
	if f.Status != nil && !f.Status.IsValid() {
		return InvalidField(prefix+".status", "is not a status")
	}
	return nil
}

// ArticleOrderField is what articles can be ordered by.
type ArticleOrderField string

// The article orderings.
const (
	ArticleOrderPublished ArticleOrderField = "PUBLISHED"
	ArticleOrderTitle     ArticleOrderField = "TITLE"
)

// ArticleOrder is how to order articles; the zero value is newest first.
type ArticleOrder struct {
	Field     ArticleOrderField
	Direction OrderDirection
}

// Normalized fills in the defaults: by publication, newest first.
func (o ArticleOrder) Normalized() ArticleOrder {
	if o.Field == "" {
		o.Field = ArticleOrderPublished
	}
	if o.Direction == "" {
		o.Direction = Desc
		if o.Field == ArticleOrderTitle {
			o.Direction = Asc
		}
	}
	return o
}

// Tag is a topic articles are filed under.
type Tag struct {
	ID   uint   `gorm:"primaryKey"`
	Slug string `gorm:"size:120;not null;uniqueIndex:ux_tags_slug"`
	Name string `gorm:"size:80;not null"`
}

func (Tag) isNode() {}

// ArticleTag files an article under a tag.
type ArticleTag struct {
	ArticleID uint `gorm:"primaryKey"`
	TagID     uint `gorm:"primaryKey;index:ix_article_tags_tag"`
}

// CommentStatus is where a comment is in moderation.
type CommentStatus string

// The comment statuses. Only APPROVED comments are public.
const (
	CommentPending  CommentStatus = "PENDING"
	CommentApproved CommentStatus = "APPROVED"
	CommentRejected CommentStatus = "REJECTED"
	CommentSpam     CommentStatus = "SPAM"
)

// IsValid reports whether s is a known status.
func (s CommentStatus) IsValid() bool {
	return s == CommentPending || s == CommentApproved || s == CommentRejected || s == CommentSpam
}

// Comment is a reader's comment on an article, held for moderation.
type Comment struct {
	ID          uint          `gorm:"primaryKey;index:ix_comments_status_created,priority:3"`
	ArticleID   uint          `gorm:"not null;index:ix_comments_article_status,priority:1"`
	Status      CommentStatus `gorm:"size:16;not null;index:ix_comments_article_status,priority:2;index:ix_comments_status_created,priority:1"`
	AuthorName  string        `gorm:"size:80;not null"`
	AuthorEmail string        `gorm:"size:254;not null"`
	Body        string        `gorm:"type:text;not null"`
	ClientIP    string        `gorm:"size:45;not null"`
	CreatedAt   time.Time     `gorm:"not null;index:ix_comments_status_created,priority:2"`
	// IdempotencyKey is the Idempotency-Key the comment was posted with, if any;
	// IdempotencyHash the PayloadHash of that request: the key replays it only.
	IdempotencyKey  *string `gorm:"size:100;uniqueIndex:ux_comments_idempotency_key"`
	IdempotencyHash *string `gorm:"size:64"`
}

func (Comment) isNode() {}

// SameRequest reports whether c was posted by a request with payload hash: a key
// replays only the request it was first used with.
func (c *Comment) SameRequest(hash string) bool {
	return c.IdempotencyHash == nil || *c.IdempotencyHash == hash
}

// CommentInput is a visitor's comment. Website is a honeypot: people leave it
// empty; bots fill it.
// IdempotencyKey lets a retrying client avoid a second comment.
type CommentInput struct {
	ArticleID      uint
	AuthorName     string
	AuthorEmail    string
	Body           string
	Website        *string
	IdempotencyKey *string
}

// Normalize trims the texts and normalises the email; a blank idempotency key is
// none.
func (in *CommentInput) Normalize() {
	in.AuthorName = trimmed(in.AuthorName)
	in.AuthorEmail = NormalizeEmail(in.AuthorEmail)
	in.Body = trimmed(in.Body)
	in.IdempotencyKey = normalizeKey(in.IdempotencyKey)
}

// PayloadHash identifies the whole request, less its idempotency key, once
// normalised (call Normalize first): the same comment sent again has the same
// hash, and any field changed gives another.
func (in CommentInput) PayloadHash() string {
	website := ""
	if in.Website != nil {
		website = trimmed(*in.Website)
	}
	return payloadHash(struct {
		ArticleID                              uint
		AuthorName, AuthorEmail, Body, Website string
	}{in.ArticleID, in.AuthorName, in.AuthorEmail, in.Body, website})
}

// Validate checks a comment; prefix is the input's path.
func (in CommentInput) Validate(prefix string) error {
	for _, err := range []error{
		ValidateText(prefix+".authorName", in.AuthorName, 1, 80),
		ValidateEmail(prefix+".authorEmail", in.AuthorEmail),
		ValidateText(prefix+".body", in.Body, 2, 5000),
		validateKey(prefix+".idempotencyKey", in.IdempotencyKey),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// IsSpam reports whether the honeypot was filled.
func (in CommentInput) IsSpam() bool { return in.Website != nil && trimmed(*in.Website) != "" }

func trimmed(s string) string {
	trim(&s)
	return s
}
