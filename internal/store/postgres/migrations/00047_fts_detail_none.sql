-- SQLite's migration 00047 rebuilds its trigram index without positions;
-- PostgreSQL's pg_trgm index (00035) keeps none. The number is taken here
-- too so that both schemas stay at the same version.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
