-- +goose Up
-- As on MySQL, without the FULLTEXT indexes that TiDB never had.
ALTER TABLE articles DROP COLUMN search_title, DROP COLUMN search_body;

-- +goose Down
ALTER TABLE articles ADD COLUMN search_title TEXT NULL, ADD COLUMN search_body MEDIUMTEXT NULL;
UPDATE articles SET search_title = LOWER(title), search_body = CONCAT(summary, ' ', body);
