-- +goose Up
-- Full-text indexes over the search words: both columns for matching, the title
-- alone so that a title match ranks first. Built without InnoDB's English
-- stopwords, as SQLite's FTS5 has none, so that both engines find the same words:
-- InnoDB reads this session setting when a table gets its first FULLTEXT index,
-- so the old index over the raw text goes first. InnoDB creates one FULLTEXT
-- index per statement.
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE articles DROP INDEX ft_articles_search;
ALTER TABLE articles ADD FULLTEXT INDEX ft_articles_words (search_title, search_body);
ALTER TABLE articles ADD FULLTEXT INDEX ft_articles_title_words (search_title);

-- +goose Down
ALTER TABLE articles DROP INDEX ft_articles_title_words;
ALTER TABLE articles DROP INDEX ft_articles_words;
ALTER TABLE articles ADD FULLTEXT INDEX ft_articles_search (title, summary, body);
