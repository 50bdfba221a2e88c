-- +goose Up
CREATE TABLE outbox (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  recipient       VARCHAR(254)    NOT NULL,
  subject         VARCHAR(200)    NOT NULL,
  body            TEXT            NOT NULL,
  attempts        INT             NOT NULL DEFAULT 0,
  next_attempt_at DATETIME        NOT NULL,
  sent_at         DATETIME        NULL,
  last_error      VARCHAR(500)    NOT NULL DEFAULT '',
  created_at      DATETIME        NOT NULL,
  PRIMARY KEY (id),
  KEY ix_outbox_due (sent_at, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE outbox;
