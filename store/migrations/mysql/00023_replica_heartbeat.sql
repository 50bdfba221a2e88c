-- +goose Up
-- One row that every instance with read replicas rewrites every second or so
-- (UTC_TIMESTAMP(6) of the primary): read on a replica, its age is how far the
-- replica lags behind, an upper bound that holds whatever the replication
-- format, even when the replica's SQL thread is stopped.
CREATE TABLE replica_heartbeat (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  beat_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO replica_heartbeat (id, beat_at) VALUES (1, UTC_TIMESTAMP(6));

-- +goose Down
DROP TABLE replica_heartbeat;
