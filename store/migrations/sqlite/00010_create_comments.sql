-- +goose Up
CREATE TABLE comments (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  status       TEXT    NOT NULL,
  author_name  TEXT    NOT NULL,
  author_email TEXT    NOT NULL,
  body         TEXT    NOT NULL,
  client_ip    TEXT    NOT NULL DEFAULT '',
  created_at   DATETIME NOT NULL
);
CREATE INDEX ix_comments_article_status ON comments (article_id, status, created_at, id);

-- +goose Down
DROP TABLE comments;
