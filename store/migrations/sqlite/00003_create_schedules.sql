-- +goose Up
CREATE TABLE schedules (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  course_id   INTEGER NOT NULL REFERENCES courses (id),
  batch_id    INTEGER NOT NULL REFERENCES batches (id),
  weekdays    INTEGER NOT NULL,
  starts_on   DATE,
  capacity    INTEGER NOT NULL,
  seats_taken INTEGER NOT NULL DEFAULT 0,
  closed      INTEGER NOT NULL DEFAULT 0,
  created_at  DATETIME NOT NULL,
  updated_at  DATETIME NOT NULL
);
CREATE INDEX ix_schedules_course ON schedules (course_id, batch_id);
CREATE INDEX ix_schedules_batch ON schedules (batch_id, id);

-- +goose Down
DROP TABLE schedules;
