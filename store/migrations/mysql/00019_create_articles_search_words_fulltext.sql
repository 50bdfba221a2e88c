-- +goose Up
-- Full-text indexes over the search words: both columns for matching, the title
-- alone so that a title match ranks first. Built without InnoDB's English
-- stopwords, as SQLite's FTS5 has none, so that both engines find the same words
-- (this session setting applies to the indexes created here). InnoDB creates one
-- FULLTEXT index per statement. The old index over the raw text goes.
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE articles ADD FULLTEXT INDEX ft_articles_words (search_title, search_body);
ALTER TABLE articles ADD FULLTEXT INDEX ft_articles_title_words (search_title);
ALTER TABLE articles DROP INDEX ft_articles_search;

-- +goose Down
ALTER TABLE articles ADD FULLTEXT INDEX ft_articles_search (title, summary, body);
ALTER TABLE articles DROP INDEX ft_articles_title_words;
ALTER TABLE articles DROP INDEX ft_articles_words;
