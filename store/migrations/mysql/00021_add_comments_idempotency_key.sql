-- +goose Up
-- A reader's retried post (the same Idempotency-Key) is stored once: the key, and
-- the hash of the normalised request it was first used with, as enquiries keep
-- them. NULL for comments posted without a key.
ALTER TABLE comments
  ADD COLUMN idempotency_key VARCHAR(100) NULL,
  ADD COLUMN idempotency_hash CHAR(64) NULL,
  ADD UNIQUE KEY ux_comments_idempotency_key (idempotency_key);

-- +goose Down
ALTER TABLE comments
  DROP INDEX ux_comments_idempotency_key,
  DROP COLUMN idempotency_hash,
  DROP COLUMN idempotency_key;
