-- +goose Up
CREATE TABLE users (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name          VARCHAR(120)    NOT NULL,
  email         VARCHAR(254)    NOT NULL,
  role          VARCHAR(16)     NOT NULL,
  bio           TEXT            NOT NULL,
  avatar_url    VARCHAR(500)    NOT NULL DEFAULT '',
  active        BOOLEAN         NOT NULL DEFAULT TRUE,
  password_hash VARCHAR(255)    NOT NULL,
  created_at    DATETIME        NOT NULL,
  updated_at    DATETIME        NOT NULL,
  last_login_at DATETIME        NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_users_email (email),
  KEY ix_users_role_active (role, active)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE users;
