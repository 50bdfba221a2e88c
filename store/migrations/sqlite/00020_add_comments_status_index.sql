-- +goose Up
-- The moderation queue (Query.comments) lists one status across all articles,
-- newest first: with this index it is one backward range read stopped after a
-- page, with no sort, however many comments there are.
CREATE INDEX ix_comments_status_created ON comments (status, created_at, id);

-- +goose Down
DROP INDEX ix_comments_status_created;
