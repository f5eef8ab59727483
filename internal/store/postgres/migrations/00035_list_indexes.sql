-- Indexes for the list pages under load (bench/load.sh, docs/sizing.md).
--
-- Search: vulns.search LIKE '%TEXT%' read every row of vulns (165,000 with
-- the shared corpus) for a rare word. A trigram GIN index (pg_trgm, a
-- contrib extension every PostgreSQL distribution and managed service
-- ships, trusted since PostgreSQL 13) answers the same LIKE.
--
-- Findings: a list page sorted by priority, due date or first seen read
-- and sorted whole rows, JSON detail and all. This index covers every
-- column the list filters and sorts on, so the page's ids are found from
-- the index alone and only the page's rows are read. It leads with state,
-- so it also does all that findings_state did, which goes: with both, a
-- page in id order walked findings_state and read every open finding's
-- whole row to test its priority or severity (0.2-0.5 s for 66,000).

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX vulns_search_trgm ON vulns USING gin (search gin_trgm_ops);
-- IF NOT EXISTS: on a new database 00033 (merged later, numbered lower)
-- made findings_list already, with more columns.
CREATE INDEX IF NOT EXISTS findings_list ON findings (state, priority, asset_id, vuln_id, due_at, first_seen, last_seen, ssvc);
DROP INDEX findings_state;

-- +goose Down
CREATE INDEX findings_state ON findings (state);
DROP INDEX findings_list;
DROP INDEX vulns_search_trgm;
