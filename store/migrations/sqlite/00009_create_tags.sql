-- +goose Up
CREATE TABLE tags (
  id   INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL,
  name TEXT NOT NULL COLLATE NOCASE
);
CREATE UNIQUE INDEX ux_tags_slug ON tags (slug);

CREATE TABLE article_tags (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  tag_id     INTEGER NOT NULL REFERENCES tags (id),
  PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX ix_article_tags_tag ON article_tags (tag_id, article_id);

-- +goose Down
DROP TABLE article_tags;
DROP TABLE tags;
