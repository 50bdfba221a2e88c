-- +goose Up
CREATE TABLE enquiries (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT    NOT NULL,
  email           TEXT    NOT NULL,
  phone           TEXT    NOT NULL DEFAULT '',
  message         TEXT    NOT NULL,
  course_id       INTEGER REFERENCES courses (id),
  schedule_id     INTEGER REFERENCES schedules (id) ON DELETE SET NULL,
  status          TEXT    NOT NULL,
  assignee_id     INTEGER REFERENCES users (id),
  version         INTEGER NOT NULL DEFAULT 1,
  client_ip       TEXT    NOT NULL DEFAULT '',
  fingerprint     TEXT    NOT NULL,
  idempotency_key TEXT,
  created_at      DATETIME NOT NULL,
  updated_at      DATETIME NOT NULL
);
CREATE INDEX ix_enquiries_status_created ON enquiries (status, created_at, id);
CREATE INDEX ix_enquiries_created ON enquiries (created_at, id);
CREATE INDEX ix_enquiries_course ON enquiries (course_id);
CREATE INDEX ix_enquiries_assignee ON enquiries (assignee_id);
CREATE INDEX ix_enquiries_fingerprint ON enquiries (fingerprint, created_at);
CREATE UNIQUE INDEX ux_enquiries_idempotency_key ON enquiries (idempotency_key);

-- +goose Down
DROP TABLE enquiries;
