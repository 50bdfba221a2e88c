-- +goose Up
-- TEXT holds 65,535 bytes: a valid course description (20,000 characters, 4 bytes
-- each at most in utf8mb4) needs 80,000, and an article's table of contents and
-- FAQs, derived from a body of up to 100,000 characters, can need far more.
ALTER TABLE courses MODIFY description MEDIUMTEXT NOT NULL;
ALTER TABLE articles MODIFY toc MEDIUMTEXT NOT NULL, MODIFY faqs MEDIUMTEXT NOT NULL;

-- +goose Down
ALTER TABLE articles MODIFY toc TEXT NOT NULL, MODIFY faqs TEXT NOT NULL;
ALTER TABLE courses MODIFY description TEXT NOT NULL;
