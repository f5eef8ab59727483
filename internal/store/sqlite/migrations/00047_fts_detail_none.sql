-- The trigram index of vulns (vulns_fts, migration 00035) keeps no
-- positions (detail = none). Search asks it only for the rows holding
-- each of a text's rarest trigrams, one trigram a term (sqlstore's
-- trigramHits), never for a phrase, so the positions it kept of every
-- trigram in every row were written, merged and never read: most of the
-- index, and of what a bulk import spent on it. Rebuilt here from vulns;
-- the update and delete triggers of 00035, the automerge setting of
-- 00037 and the vocabulary table of 00040 are made again with it.

-- +goose Up
DROP TABLE vulns_fts_vocab;
DROP TRIGGER vulns_fts_update;
DROP TRIGGER vulns_fts_delete;
DROP TABLE vulns_fts;
CREATE VIRTUAL TABLE vulns_fts USING fts5(search, content = 'vulns', content_rowid = 'id', tokenize = 'trigram', detail = none);
INSERT INTO vulns_fts (vulns_fts, rank) VALUES ('automerge', 16);
INSERT INTO vulns_fts (vulns_fts) VALUES ('rebuild');

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

CREATE VIRTUAL TABLE vulns_fts_vocab USING fts5vocab(vulns_fts, row);

-- +goose Down
DROP TABLE vulns_fts_vocab;
DROP TRIGGER vulns_fts_update;
DROP TRIGGER vulns_fts_delete;
DROP TABLE vulns_fts;
CREATE VIRTUAL TABLE vulns_fts USING fts5(search, content = 'vulns', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO vulns_fts (vulns_fts, rank) VALUES ('automerge', 16);
INSERT INTO vulns_fts (vulns_fts) VALUES ('rebuild');

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

CREATE VIRTUAL TABLE vulns_fts_vocab USING fts5vocab(vulns_fts, row);
