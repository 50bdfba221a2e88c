-- +goose Up
CREATE TABLE batches (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name          VARCHAR(80)     NOT NULL,
  ordinal       INT             NOT NULL,
  start_minutes INT             NOT NULL,
  end_minutes   INT             NOT NULL,
  period        VARCHAR(16)     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_batches_ordinal (ordinal),
  KEY ix_batches_period (period, ordinal)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE batches;
