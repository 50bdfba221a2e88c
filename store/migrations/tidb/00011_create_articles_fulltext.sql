-- +goose Up
-- TiDB has no FULLTEXT index (it accepts ADD FULLTEXT INDEX with warning 1214 and
-- creates nothing, so the MySQL step's down would fail). Search reads the store's
-- own index, search_words (00024), on every engine.
SELECT 1;

-- +goose Down
SELECT 1;
