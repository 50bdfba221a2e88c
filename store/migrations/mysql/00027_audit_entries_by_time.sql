-- +goose Up
-- The audit log lists entries by the time they were written, then by id (an id
-- tells nothing of time where ids come in ranges per server, as on TiDB), on the
-- whole log and on one entity's entries: an index for each, so that a page is
-- read in order with no sort.
ALTER TABLE audit_entries ADD INDEX ix_audit_created (created_at, id);
ALTER TABLE audit_entries ADD INDEX ix_audit_entity_created (entity_type, entity_id, created_at, id);

-- +goose Down
ALTER TABLE audit_entries DROP INDEX ix_audit_entity_created;
ALTER TABLE audit_entries DROP INDEX ix_audit_created;
