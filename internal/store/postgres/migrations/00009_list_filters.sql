-- Columns the list filters need: a vulnerability's severity rating and a
-- finding's SSVC outcome, copied out of the JSON they live in so that
-- filtering is a column comparison on both databases.

-- +goose Up
ALTER TABLE vulns ADD COLUMN rating TEXT NOT NULL DEFAULT '';
UPDATE vulns SET rating = upper(coalesce(summary::jsonb->>'rating', ''));
ALTER TABLE findings ADD COLUMN ssvc TEXT NOT NULL DEFAULT '';
UPDATE findings SET ssvc = lower(coalesce(detail::jsonb->'assessment'->'ssvc'->'coordinator'->>'name', ''));

-- +goose Down
ALTER TABLE findings DROP COLUMN ssvc;
ALTER TABLE vulns DROP COLUMN rating;
