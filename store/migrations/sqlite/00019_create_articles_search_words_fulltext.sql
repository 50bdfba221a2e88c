-- +goose Up
-- MySQL builds its full-text indexes over the search words here; SQLite's FTS5
-- table was rebuilt in 00018, so there is nothing to do. The file keeps the
-- versions of both engines in step.
SELECT 1;

-- +goose Down
SELECT 1;
