-- +goose Up
CREATE TABLE audit_entries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  actor_id    INTEGER NOT NULL,
  action      TEXT    NOT NULL,
  entity_type TEXT    NOT NULL,
  entity_id   INTEGER NOT NULL,
  changes     TEXT    NOT NULL DEFAULT '[]',
  created_at  DATETIME NOT NULL
);
CREATE INDEX ix_audit_actor ON audit_entries (actor_id);
CREATE INDEX ix_audit_entity ON audit_entries (entity_type, entity_id, id);

-- +goose Down
DROP TABLE audit_entries;
