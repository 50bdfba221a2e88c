-- +goose Up
CREATE TABLE articles (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  slug                 VARCHAR(120)    NOT NULL,
  title                VARCHAR(200)    NOT NULL,
  summary              VARCHAR(500)    NOT NULL DEFAULT '',
  body                 MEDIUMTEXT      NOT NULL,
  html                 MEDIUMTEXT      NOT NULL,
  status               VARCHAR(16)     NOT NULL,
  published_at         DATETIME        NULL,
  author_id            BIGINT UNSIGNED NOT NULL,
  reading_time_minutes INT             NOT NULL DEFAULT 1,
  toc                  TEXT            NOT NULL,
  faqs                 TEXT            NOT NULL,
  created_at           DATETIME        NOT NULL,
  updated_at           DATETIME        NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_articles_slug (slug),
  KEY ix_articles_status_published (status, published_at, id),
  KEY ix_articles_author (author_id),
  CONSTRAINT fk_articles_author FOREIGN KEY (author_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE articles;
