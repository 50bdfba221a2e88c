-- +goose Up
CREATE TABLE comments (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  article_id   BIGINT UNSIGNED NOT NULL,
  status       VARCHAR(16)     NOT NULL,
  author_name  VARCHAR(80)     NOT NULL,
  author_email VARCHAR(254)    NOT NULL,
  body         TEXT            NOT NULL,
  client_ip    VARCHAR(45)     NOT NULL DEFAULT '',
  created_at   DATETIME        NOT NULL,
  PRIMARY KEY (id),
  KEY ix_comments_article_status (article_id, status, created_at, id),
  CONSTRAINT fk_comments_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE comments;
