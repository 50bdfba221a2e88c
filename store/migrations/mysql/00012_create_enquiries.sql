-- +goose Up
CREATE TABLE enquiries (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name            VARCHAR(120)    NOT NULL,
  email           VARCHAR(254)    NOT NULL,
  phone           VARCHAR(20)     NOT NULL DEFAULT '',
  message         TEXT            NOT NULL,
  course_id       BIGINT UNSIGNED NULL,
  schedule_id     BIGINT UNSIGNED NULL,
  status          VARCHAR(16)     NOT NULL,
  assignee_id     BIGINT UNSIGNED NULL,
  version         INT             NOT NULL DEFAULT 1,
  client_ip       VARCHAR(45)     NOT NULL DEFAULT '',
  fingerprint     CHAR(64)        NOT NULL,
  idempotency_key VARCHAR(100)    NULL,
  created_at      DATETIME        NOT NULL,
  updated_at      DATETIME        NOT NULL,
  PRIMARY KEY (id),
  KEY ix_enquiries_status_created (status, created_at, id),
  KEY ix_enquiries_created (created_at, id),
  KEY ix_enquiries_course (course_id),
  KEY ix_enquiries_assignee (assignee_id),
  KEY ix_enquiries_fingerprint (fingerprint, created_at),
  UNIQUE KEY ux_enquiries_idempotency_key (idempotency_key),
  CONSTRAINT fk_enquiries_course FOREIGN KEY (course_id) REFERENCES courses (id),
  CONSTRAINT fk_enquiries_schedule FOREIGN KEY (schedule_id) REFERENCES schedules (id) ON DELETE SET NULL,
  CONSTRAINT fk_enquiries_assignee FOREIGN KEY (assignee_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE enquiries;
