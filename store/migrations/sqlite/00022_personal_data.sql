-- +goose Up
-- A notice names the enquiry it tells of, so that exporting or erasing a
-- person's data finds it (older notices are found by the address in their body).
ALTER TABLE outbox ADD COLUMN enquiry_id INTEGER;
CREATE INDEX ix_outbox_enquiry ON outbox (enquiry_id);

-- Leases of the jobs that one instance of several runs at a time (the retention
-- of personal data): whoever moves expires_at past now holds the job until then.
CREATE TABLE job_leases (
  name       TEXT     NOT NULL PRIMARY KEY,
  holder     TEXT     NOT NULL DEFAULT '',
  expires_at DATETIME NOT NULL
);
INSERT INTO job_leases (name, holder, expires_at) VALUES ('retention', '', '1970-01-01 00:00:00');

-- +goose Down
DROP TABLE job_leases;
DROP INDEX ix_outbox_enquiry;
ALTER TABLE outbox DROP COLUMN enquiry_id;
