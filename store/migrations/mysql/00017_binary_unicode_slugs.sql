-- +goose Up
-- Slugs are Unicode words of any script, NFC and lower-cased by the application.
-- utf8mb4_unicode_ci ignores marks that tell Bangla words apart (the nukta, the
-- anusvara and the chandrabindu: "কাঁটা" = "কাটা", "বড়" = "বড") and accents
-- ("café" = "cafe"), so different slugs collided on MySQL and not on SQLite:
-- compare them byte for byte on both engines. VARCHAR counts characters: 120 is
-- 480 bytes in utf8mb4, within InnoDB's index prefix limit (3,072 bytes; 767 on
-- the old COMPACT format). A tag's slug widens to 120, as the others: a tag name
-- of 40 characters can give more in NFC. Each statement may be run again.
ALTER TABLE articles MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE courses MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE tags MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;

-- +goose Down
ALTER TABLE tags MODIFY slug VARCHAR(80) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;
ALTER TABLE courses MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;
ALTER TABLE articles MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;
