-- +goose Up
CREATE TABLE courses (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  slug              TEXT    NOT NULL,
  title             TEXT    NOT NULL COLLATE NOCASE,
  summary           TEXT    NOT NULL DEFAULT '',
  description       TEXT    NOT NULL DEFAULT '',
  category          TEXT    NOT NULL COLLATE NOCASE,
  topics            TEXT    NOT NULL DEFAULT '[]',
  duration_months   INTEGER NOT NULL,
  sessions_per_week INTEGER NOT NULL,
  weekdays          INTEGER NOT NULL,
  fee_amount        INTEGER NOT NULL,
  fee_currency      TEXT    NOT NULL,
  active            INTEGER NOT NULL DEFAULT 1,
  created_at        DATETIME NOT NULL,
  updated_at        DATETIME NOT NULL
);
CREATE UNIQUE INDEX ux_courses_slug ON courses (slug);
CREATE INDEX ix_courses_category ON courses (category);
CREATE INDEX ix_courses_active_title ON courses (active, title, id);
CREATE INDEX ix_courses_active_fee ON courses (active, fee_amount, id);
CREATE INDEX ix_courses_active_created ON courses (active, created_at, id);

-- +goose Down
DROP TABLE courses;
