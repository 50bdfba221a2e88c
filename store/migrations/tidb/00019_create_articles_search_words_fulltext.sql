-- +goose Up
-- TiDB has no FULLTEXT index (see 00011): nothing to drop or build here.
SELECT 1;

-- +goose Down
SELECT 1;
