-- +goose Up
-- Full-text search over articles: InnoDB FULLTEXT, ranked by MATCH ... AGAINST.
ALTER TABLE articles ADD FULLTEXT INDEX ft_articles_search (title, summary, body);

-- +goose Down
ALTER TABLE articles DROP INDEX ft_articles_search;
