-- +goose Up
-- Search reads the store's own index (search_words) on every engine: the
-- FULLTEXT indexes and the columns they were built over go.
ALTER TABLE articles DROP INDEX ft_articles_title_words;
ALTER TABLE articles DROP INDEX ft_articles_words;
ALTER TABLE articles DROP COLUMN search_title, DROP COLUMN search_body;

-- +goose Down
ALTER TABLE articles ADD COLUMN search_title TEXT NULL, ADD COLUMN search_body MEDIUMTEXT NULL;
UPDATE articles SET search_title = LOWER(title), search_body = CONCAT(summary, ' ', body);
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE articles ADD FULLTEXT INDEX ft_articles_words (search_title, search_body);
ALTER TABLE articles ADD FULLTEXT INDEX ft_articles_title_words (search_title);
