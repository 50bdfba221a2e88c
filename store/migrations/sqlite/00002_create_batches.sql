-- +goose Up
CREATE TABLE batches (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT    NOT NULL,
  ordinal       INTEGER NOT NULL,
  start_minutes INTEGER NOT NULL,
  end_minutes   INTEGER NOT NULL,
  period        TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_batches_ordinal ON batches (ordinal);
CREATE INDEX ix_batches_period ON batches (period, ordinal);

-- +goose Down
DROP TABLE batches;
