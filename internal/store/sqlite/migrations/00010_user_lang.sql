-- A user's language for the UI, problem details and reports ("en",
-- "zh-CN"); empty leaves it to the browser.

-- +goose Up
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN lang;
