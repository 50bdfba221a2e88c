-- +goose Up
-- Read replicas are MySQL's; the table is here so that both engines have the
-- same schema (the embedded database never writes it).
CREATE TABLE replica_heartbeat (
  id INTEGER NOT NULL PRIMARY KEY,
  beat_at DATETIME NOT NULL
);
INSERT INTO replica_heartbeat (id, beat_at) VALUES (1, CURRENT_TIMESTAMP);

-- +goose Down
DROP TABLE replica_heartbeat;
