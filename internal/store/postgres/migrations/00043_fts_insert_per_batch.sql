-- SQLite's migration 00043 indexes new vulnerabilities' search text from
-- the writer rather than a trigger; PostgreSQL's trigram GIN index (00035)
-- is an ordinary index. The number is taken here too so that both schemas
-- stay at the same version.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
