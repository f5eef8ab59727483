-- The trigram index of vulns (vulns_fts, migration 00035) merges its
-- segments sixteen at a time instead of FTS5's default four.
--
-- FTS5 writes what a transaction indexed as a new segment, and an import
-- commits every batch: a CNVD import of 112,000 entries leaves about 225
-- segments, which FTS5 merges as it goes. Four at a time, every entry was
-- rewritten about four times (log4 of 225), a tenth of the import's CPU
-- in a profile; sixteen at a time, about twice. At most 15 segments wait
-- on each level instead of 3, which the 150 searches tried on that
-- database did not notice (well under a millisecond each either way).
-- 16 is the most FTS5 accepts, and the value is kept in vulns_fts_config.

-- +goose Up
INSERT INTO vulns_fts (vulns_fts, rank) VALUES ('automerge', 16);

-- +goose Down
INSERT INTO vulns_fts (vulns_fts, rank) VALUES ('automerge', 4);
