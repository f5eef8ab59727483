-- Indexes for the list pages under load (bench/load.sh, docs/sizing.md).
--
-- Search: vulns.search LIKE '%TEXT%' read every row of vulns (165,000 with
-- the shared corpus) for a rare word. An FTS5 trigram index over the same
-- text finds the rows holding every trigram of TEXT; the LIKE then only
-- confirms those. It is external-content (the text stays in vulns) and
-- kept in step by triggers.
--
-- Findings: a list page sorted by priority, due date or first seen read
-- and sorted whole rows, JSON detail and all. This index covers every
-- column the list filters and sorts on, so the page's ids are found from
-- the index alone and only the page's rows are read. It leads with state,
-- so it also does all that findings_state did, which goes: with both, a
-- page in id order walked findings_state and read every open finding's
-- whole row to test its priority or severity (0.2-0.5 s for 66,000).

-- +goose Up
CREATE VIRTUAL TABLE vulns_fts USING fts5(search, content = 'vulns', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO vulns_fts (rowid, search) SELECT id, search FROM vulns;

-- +goose StatementBegin
CREATE TRIGGER vulns_fts_insert AFTER INSERT ON vulns BEGIN
    INSERT INTO vulns_fts (rowid, search) VALUES (new.id, new.search);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vulns_fts_update AFTER UPDATE OF search ON vulns WHEN old.search IS NOT new.search BEGIN
    INSERT INTO vulns_fts (vulns_fts, rowid, search) VALUES ('delete', old.id, old.search);
    INSERT INTO vulns_fts (rowid, search) VALUES (new.id, new.search);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vulns_fts_delete AFTER DELETE ON vulns BEGIN
    INSERT INTO vulns_fts (vulns_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
-- +goose StatementEnd

-- IF NOT EXISTS: on a new database 00033 (merged later, numbered lower)
-- made findings_list already, with more columns.
CREATE INDEX IF NOT EXISTS findings_list ON findings (state, priority, asset_id, vuln_id, due_at, first_seen, last_seen, ssvc);
DROP INDEX findings_state;

-- +goose Down
CREATE INDEX findings_state ON findings (state);
DROP INDEX findings_list;
DROP TRIGGER vulns_fts_delete;
DROP TRIGGER vulns_fts_update;
DROP TRIGGER vulns_fts_insert;
DROP TABLE vulns_fts;
