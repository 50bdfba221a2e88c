-- +goose Up
-- The store's own search index (see store/search.go and the MySQL migration of
-- the same number). TEXT compares byte for byte, as utf8mb4_bin on MySQL.
CREATE TABLE search_words (
  kind     TEXT    NOT NULL,
  word     TEXT    NOT NULL,
  doc_id   INTEGER NOT NULL,
  weight   INTEGER NOT NULL,
  in_title INTEGER NOT NULL,
  PRIMARY KEY (kind, word, doc_id)
) WITHOUT ROWID;
CREATE INDEX ix_search_words_doc ON search_words (kind, doc_id);

-- +goose Down
DROP TABLE search_words;
