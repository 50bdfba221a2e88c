-- +goose Up
-- As MySQL's step, one change a statement: TiDB cannot index, in the ALTER that
-- adds it, a column that does not exist yet ("column does not exist").
ALTER TABLE comments ADD COLUMN idempotency_key VARCHAR(100) NULL, ADD COLUMN idempotency_hash CHAR(64) NULL;
ALTER TABLE comments ADD UNIQUE KEY ux_comments_idempotency_key (idempotency_key);

-- +goose Down
ALTER TABLE comments DROP INDEX ux_comments_idempotency_key;
ALTER TABLE comments DROP COLUMN idempotency_hash, DROP COLUMN idempotency_key;
