-- +goose Up
CREATE TABLE centres (
  id       BIGINT UNSIGNED NOT NULL,
  name     VARCHAR(200)    NOT NULL,
  address  TEXT            NOT NULL,
  phone    VARCHAR(40)     NOT NULL,
  email    VARCHAR(254)    NOT NULL,
  timezone VARCHAR(64)     NOT NULL,
  currency CHAR(3)         NOT NULL,
  links    TEXT            NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE centres;
