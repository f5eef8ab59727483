-- SQLite's migration 00037 tunes its FTS5 trigram index; PostgreSQL's
-- trigram GIN index (00035) has nothing like it. The number is taken here
-- too so that both schemas stay at the same version.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
