-- +goose Up
-- The same schema as MySQL's step (slugs compared byte for byte, utf8mb4_bin; a
-- tag's slug 120 long). TiDB cannot change the collation of an indexed column
-- (Error 8200), so each unique index on a slug is dropped, the column changed,
-- and the index made again under its name. TiDB runs each DDL statement on its
-- own, as MySQL does.
ALTER TABLE articles DROP INDEX ux_articles_slug;
ALTER TABLE articles MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE articles ADD UNIQUE INDEX ux_articles_slug (slug);
ALTER TABLE courses DROP INDEX ux_courses_slug;
ALTER TABLE courses MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE courses ADD UNIQUE INDEX ux_courses_slug (slug);
ALTER TABLE tags DROP INDEX ux_tags_slug;
ALTER TABLE tags MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE tags ADD UNIQUE INDEX ux_tags_slug (slug);

-- +goose Down
ALTER TABLE tags DROP INDEX ux_tags_slug;
ALTER TABLE tags MODIFY slug VARCHAR(80) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;
ALTER TABLE tags ADD UNIQUE INDEX ux_tags_slug (slug);
ALTER TABLE courses DROP INDEX ux_courses_slug;
ALTER TABLE courses MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;
ALTER TABLE courses ADD UNIQUE INDEX ux_courses_slug (slug);
ALTER TABLE articles DROP INDEX ux_articles_slug;
ALTER TABLE articles MODIFY slug VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;
ALTER TABLE articles ADD UNIQUE INDEX ux_articles_slug (slug);
