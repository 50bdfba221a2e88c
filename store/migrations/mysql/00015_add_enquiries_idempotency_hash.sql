-- +goose Up
-- The hash of the normalised request an idempotency key was first used with: the
-- key replays only that request. NULL for enquiries sent before it was kept.
ALTER TABLE enquiries ADD COLUMN idempotency_hash CHAR(64) NULL AFTER idempotency_key;

-- +goose Down
ALTER TABLE enquiries DROP COLUMN idempotency_hash;
