-- +goose Up
CREATE TABLE centres (
  id       INTEGER PRIMARY KEY,
  name     TEXT NOT NULL,
  address  TEXT NOT NULL DEFAULT '[]',
  phone    TEXT NOT NULL,
  email    TEXT NOT NULL,
  timezone TEXT NOT NULL,
  currency TEXT NOT NULL,
  links    TEXT NOT NULL DEFAULT '[]'
);

-- +goose Down
DROP TABLE centres;
