-- +goose Up
-- MySQL makes its slug columns compare byte for byte here; SQLite's TEXT already
-- does (BINARY collation) and has no length limit, so there is nothing to do. The
-- file keeps the versions of both engines in step.
SELECT 1;

-- +goose Down
SELECT 1;
