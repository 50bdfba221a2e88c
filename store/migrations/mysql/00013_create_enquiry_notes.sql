-- +goose Up
CREATE TABLE enquiry_notes (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  enquiry_id BIGINT UNSIGNED NOT NULL,
  author_id  BIGINT UNSIGNED NOT NULL,
  body       TEXT            NOT NULL,
  created_at DATETIME        NOT NULL,
  PRIMARY KEY (id),
  KEY ix_enquiry_notes_enquiry (enquiry_id, id),
  CONSTRAINT fk_enquiry_notes_enquiry FOREIGN KEY (enquiry_id) REFERENCES enquiries (id),
  CONSTRAINT fk_enquiry_notes_author FOREIGN KEY (author_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE enquiry_notes;
