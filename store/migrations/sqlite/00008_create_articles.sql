-- +goose Up
CREATE TABLE articles (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  slug                 TEXT    NOT NULL,
  title                TEXT    NOT NULL COLLATE NOCASE,
  summary              TEXT    NOT NULL DEFAULT '',
  body                 TEXT    NOT NULL DEFAULT '',
  html                 TEXT    NOT NULL DEFAULT '',
  status               TEXT    NOT NULL,
  published_at         DATETIME,
  author_id            INTEGER NOT NULL REFERENCES users (id),
  reading_time_minutes INTEGER NOT NULL DEFAULT 1,
  toc                  TEXT    NOT NULL DEFAULT '[]',
  faqs                 TEXT    NOT NULL DEFAULT '[]',
  created_at           DATETIME NOT NULL,
  updated_at           DATETIME NOT NULL
);
CREATE UNIQUE INDEX ux_articles_slug ON articles (slug);
CREATE INDEX ix_articles_status_published ON articles (status, published_at, id);
CREATE INDEX ix_articles_author ON articles (author_id);

-- +goose Down
DROP TABLE articles;
