-- +goose Up
-- A notice names the enquiry it tells of, so that exporting or erasing a
-- person's data finds it (older notices are found by the address in their body).
ALTER TABLE outbox ADD COLUMN enquiry_id BIGINT UNSIGNED NULL, ADD KEY ix_outbox_enquiry (enquiry_id);

-- Leases of the jobs that one instance of several runs at a time (the retention
-- of personal data): whoever moves expires_at past now holds the job until then.
CREATE TABLE job_leases (
  name       VARCHAR(64) NOT NULL,
  holder     VARCHAR(64) NOT NULL DEFAULT '',
  expires_at DATETIME    NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO job_leases (name, holder, expires_at) VALUES ('retention', '', '1970-01-01 00:00:00');

-- +goose Down
DROP TABLE job_leases;
ALTER TABLE outbox DROP KEY ix_outbox_enquiry, DROP COLUMN enquiry_id;
