-- +goose Up
-- See the MySQL migration of the same number.
CREATE INDEX ix_audit_created ON audit_entries (created_at, id);
CREATE INDEX ix_audit_entity_created ON audit_entries (entity_type, entity_id, created_at, id);

-- +goose Down
DROP INDEX ix_audit_entity_created;
DROP INDEX ix_audit_created;
