-- +goose Up
-- The words an article is searched by, as the store makes them (lower-case, NFC,
-- words of letters, digits and marks, short ones padded to InnoDB's smallest
-- token: see store/article_search.go); the store writes them with every write of
-- the article. NULL until then: TEXT columns take no default on every engine.
-- Rows written before this migration get their plain text, which finds the words
-- of three or more characters as before; saving an article indexes the rest.
ALTER TABLE articles ADD COLUMN search_title TEXT NULL, ADD COLUMN search_body MEDIUMTEXT NULL;
UPDATE articles SET search_title = LOWER(title), search_body = CONCAT(summary, ' ', body);

-- +goose Down
ALTER TABLE articles DROP COLUMN search_title, DROP COLUMN search_body;
