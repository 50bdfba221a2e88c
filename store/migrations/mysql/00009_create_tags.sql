-- +goose Up
CREATE TABLE tags (
  id   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  slug VARCHAR(80)     NOT NULL,
  name VARCHAR(80)     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_tags_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE article_tags (
  article_id BIGINT UNSIGNED NOT NULL,
  tag_id     BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (article_id, tag_id),
  KEY ix_article_tags_tag (tag_id, article_id),
  CONSTRAINT fk_article_tags_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
  CONSTRAINT fk_article_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE article_tags;
DROP TABLE tags;
