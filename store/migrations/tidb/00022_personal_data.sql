-- +goose Up
-- As MySQL's step, with the new column and its index in two statements: TiDB
-- cannot index, in the ALTER that adds it, a column that does not exist yet.
ALTER TABLE outbox ADD COLUMN enquiry_id BIGINT UNSIGNED NULL;
ALTER TABLE outbox ADD KEY ix_outbox_enquiry (enquiry_id);

CREATE TABLE job_leases (
  name       VARCHAR(64) NOT NULL,
  holder     VARCHAR(64) NOT NULL DEFAULT '',
  expires_at DATETIME    NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO job_leases (name, holder, expires_at) VALUES ('retention', '', '1970-01-01 00:00:00');

-- +goose Down
DROP TABLE job_leases;
ALTER TABLE outbox DROP KEY ix_outbox_enquiry;
ALTER TABLE outbox DROP COLUMN enquiry_id;
