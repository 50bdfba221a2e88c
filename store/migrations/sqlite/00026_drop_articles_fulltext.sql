-- +goose Up
-- Search reads the store's own index (search_words) on every engine: the FTS5
-- table goes.
DROP TABLE articles_fts;

-- +goose Down
CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'");
INSERT INTO articles_fts (rowid, title, summary, body) SELECT id, lower(title), lower(summary), lower(body) FROM articles;
