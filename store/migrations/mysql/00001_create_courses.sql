-- +goose Up
CREATE TABLE courses (
  id                BIGINT UNSIGNED  NOT NULL AUTO_INCREMENT,
  slug              VARCHAR(120)     NOT NULL,
  title             VARCHAR(200)     NOT NULL,
  summary           VARCHAR(500)     NOT NULL DEFAULT '',
  description       TEXT             NOT NULL,
  category          VARCHAR(80)      NOT NULL,
  topics            TEXT             NOT NULL,
  duration_months   INT              NOT NULL,
  sessions_per_week INT              NOT NULL,
  weekdays          TINYINT UNSIGNED NOT NULL,
  fee_amount        BIGINT           NOT NULL,
  fee_currency      CHAR(3)          NOT NULL,
  active            BOOLEAN          NOT NULL DEFAULT TRUE,
  created_at        DATETIME         NOT NULL,
  updated_at        DATETIME         NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_courses_slug (slug),
  KEY ix_courses_category (category),
  KEY ix_courses_active_title (active, title, id),
  KEY ix_courses_active_fee (active, fee_amount, id),
  KEY ix_courses_active_created (active, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE courses;
