-- Vulnerabilities go into the trigram index of their search text
-- (vulns_fts, 00035) from the writer, one statement a batch, instead of
-- from a trigger row by row.
--
-- FTS5 writes what each statement indexed as a segment of its own, and a
-- batch inserts its vulnerabilities in power-of-two chunks (six statements
-- for 500 rows): with the trigger, a CNVD import of 112,000 entries left
-- about 1,300 segments for FTS5 to merge as it went, not 225. The update
-- and delete triggers stay: they run one row a statement anyway.
-- Every INSERT INTO vulns must now index its rows itself
-- (sqlstore's txn.indexSearch); Store.Check runs FTS5's integrity check
-- against vulns, which fails on a row missing from the index.

-- +goose Up
DROP TRIGGER vulns_fts_insert;

-- +goose Down
-- +goose StatementBegin
CREATE TRIGGER vulns_fts_insert AFTER INSERT ON vulns BEGIN
    INSERT INTO vulns_fts (rowid, search) VALUES (new.id, new.search);
END;
-- +goose StatementEnd
