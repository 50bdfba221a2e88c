-- +goose Up
-- The store now indexes an article's words as it makes them (lower-case, NFC,
-- words of letters, digits and marks). unicode61 by default breaks words at marks
-- (categories 'L* N* Co'), so a Bangla word was indexed as pieces split at its
-- vowel signs and "টাইপ" found "টাইপিং": marks (M*) are now part of words. The
-- table is rebuilt from the articles.
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'");
INSERT INTO articles_fts (rowid, title, summary, body) SELECT id, lower(title), lower(summary), lower(body) FROM articles;

-- +goose Down
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO articles_fts (rowid, title, summary, body) SELECT id, title, summary, body FROM articles;
