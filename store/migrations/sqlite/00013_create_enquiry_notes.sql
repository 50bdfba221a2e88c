-- +goose Up
CREATE TABLE enquiry_notes (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  enquiry_id INTEGER NOT NULL REFERENCES enquiries (id),
  author_id  INTEGER NOT NULL REFERENCES users (id),
  body       TEXT    NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX ix_enquiry_notes_enquiry ON enquiry_notes (enquiry_id, id);

-- +goose Down
DROP TABLE enquiry_notes;
