-- +goose Up
-- MySQL widens its TEXT columns to MEDIUMTEXT here; SQLite's TEXT has no limit,
-- so there is nothing to do. The file keeps the versions of both engines in step.
SELECT 1;

-- +goose Down
SELECT 1;
