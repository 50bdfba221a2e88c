-- +goose Up
-- A reader's retried post (the same Idempotency-Key) is stored once: the key, and
-- the hash of the normalised request it was first used with, as enquiries keep
-- them. NULL for comments posted without a key.
ALTER TABLE comments ADD COLUMN idempotency_key TEXT;
ALTER TABLE comments ADD COLUMN idempotency_hash TEXT;
CREATE UNIQUE INDEX ux_comments_idempotency_key ON comments (idempotency_key);

-- +goose Down
DROP INDEX ux_comments_idempotency_key;
ALTER TABLE comments DROP COLUMN idempotency_hash;
ALTER TABLE comments DROP COLUMN idempotency_key;
