-- +goose Up
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient       TEXT    NOT NULL,
  subject         TEXT    NOT NULL,
  body            TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at DATETIME NOT NULL,
  sent_at         DATETIME,
  last_error      TEXT    NOT NULL DEFAULT '',
  created_at      DATETIME NOT NULL
);
CREATE INDEX ix_outbox_due ON outbox (sent_at, next_attempt_at);

-- +goose Down
DROP TABLE outbox;
