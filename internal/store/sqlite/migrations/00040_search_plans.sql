-- Cheaper searches (sqlstore/search.go, docs/sizing.md).
--
-- vulns_fts_vocab: how many vulnerabilities hold each trigram of the
-- search index (vulns_fts, migration 00035), so that a search asks the
-- index for a text's rarest trigrams only. fts5vocab reads vulns_fts
-- itself: nothing to keep in step, never stale.
--
-- vulns_list_search replaces vulns_published (published DESC,
-- primary_id): the same list order, with the search text in the index,
-- so a search walking the list decides its LIKE from the index alone and
-- reads the row only of a match (a third of the CPU for a common word).

-- +goose Up
CREATE VIRTUAL TABLE vulns_fts_vocab USING fts5vocab(vulns_fts, row);
CREATE INDEX vulns_list_search ON vulns (published DESC, primary_id, search);
DROP INDEX vulns_published;

-- +goose Down
CREATE INDEX vulns_published ON vulns (published DESC, primary_id);
DROP INDEX vulns_list_search;
DROP TABLE vulns_fts_vocab;
