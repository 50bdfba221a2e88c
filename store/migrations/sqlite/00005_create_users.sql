-- +goose Up
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT    NOT NULL,
  email         TEXT    NOT NULL,
  role          TEXT    NOT NULL,
  bio           TEXT    NOT NULL DEFAULT '',
  avatar_url    TEXT    NOT NULL DEFAULT '',
  active        INTEGER NOT NULL DEFAULT 1,
  password_hash TEXT    NOT NULL,
  created_at    DATETIME NOT NULL,
  updated_at    DATETIME NOT NULL,
  last_login_at DATETIME
);
CREATE UNIQUE INDEX ux_users_email ON users (email);
CREATE INDEX ix_users_role_active ON users (role, active);

-- +goose Down
DROP TABLE users;
