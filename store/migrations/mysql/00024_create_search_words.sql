-- +goose Up
-- The store's own search index (see store/search.go): one row per document (an
-- article or a course) and word, as the store makes its words (lower-case, NFC,
-- of letters, digits and marks), with the word's weight in the document and
-- whether its title has it. Plain rows and B-tree keys, so that search is the
-- same on every engine (TiDB has no FULLTEXT). The migration after this one fills
-- it for the rows written before it; the store writes it with every write of an
-- article or a course, in the same transaction.
CREATE TABLE search_words (
  kind     VARCHAR(16)     NOT NULL,
  word     VARCHAR(100)    NOT NULL,
  doc_id   BIGINT UNSIGNED NOT NULL,
  weight   INT             NOT NULL,
  in_title TINYINT         NOT NULL,
  PRIMARY KEY (kind, word, doc_id),
  KEY ix_search_words_doc (kind, doc_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE search_words;
