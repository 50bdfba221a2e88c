-- +goose Up
CREATE TABLE schedules (
  id          BIGINT UNSIGNED  NOT NULL AUTO_INCREMENT,
  course_id   BIGINT UNSIGNED  NOT NULL,
  batch_id    BIGINT UNSIGNED  NOT NULL,
  weekdays    TINYINT UNSIGNED NOT NULL,
  starts_on   DATE             NULL,
  capacity    INT              NOT NULL,
  seats_taken INT              NOT NULL DEFAULT 0,
  closed      BOOLEAN          NOT NULL DEFAULT FALSE,
  created_at  DATETIME         NOT NULL,
  updated_at  DATETIME         NOT NULL,
  PRIMARY KEY (id),
  KEY ix_schedules_course (course_id, batch_id),
  KEY ix_schedules_batch (batch_id, id),
  CONSTRAINT fk_schedules_course FOREIGN KEY (course_id) REFERENCES courses (id),
  CONSTRAINT fk_schedules_batch FOREIGN KEY (batch_id) REFERENCES batches (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE schedules;
