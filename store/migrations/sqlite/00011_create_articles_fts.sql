-- +goose Up
-- Full-text search over articles. The store keeps it in step with articles in the
-- same transaction as every write (no triggers); rowid is the article's id.
CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize = 'unicode61 remove_diacritics 2');

-- +goose Down
DROP TABLE articles_fts;
