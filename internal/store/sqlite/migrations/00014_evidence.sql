-- Incident evidence and its chain of custody (package incident,
-- store.Custody). Nothing here is ever changed or removed: every table
-- refuses UPDATE and DELETE. The triggers stop accidents and careless
-- scripts; what shows that content was changed behind vmc's back is its
-- SHA-256, taken at intake and checked on every read.
--
-- The content is kept in the database, not in files beside it (why:
-- internal/store/sqlstore/evidence.go): one backup holds the evidence
-- and its records together, and every vmc replica on one PostgreSQL sees
-- the same evidence.

-- +goose Up
-- A blob is content, named by its SHA-256: the same bytes taken in twice
-- (the same log attached to two incidents) are kept once.
CREATE TABLE evidence_blobs (
    sha256      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL CHECK (size > 0),
    created_at  TIMESTAMP NOT NULL
);

-- The content in chunks of 1 MiB, so that no read or write of a 100 MiB
-- piece of evidence holds all of it in memory.
CREATE TABLE evidence_chunks (
    sha256  TEXT NOT NULL REFERENCES evidence_blobs (sha256),
    seq     INTEGER NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (sha256, seq)
);

CREATE TABLE evidence (
    id             INTEGER PRIMARY KEY,
    incident_id    INTEGER NOT NULL REFERENCES incidents (id),
    sha256         TEXT NOT NULL REFERENCES evidence_blobs (sha256),
    size           INTEGER NOT NULL,
    name           TEXT NOT NULL,
    -- The marking's label and embargo date are columns, as on incidents;
    -- the embargo's reason and recipients are in detail.
    tlp            TEXT NOT NULL,
    embargo_until  TIMESTAMP,
    collected_at   TIMESTAMP NOT NULL,
    collected_by   TEXT NOT NULL,
    -- The whole description (incident.Evidence) as JSON.
    detail         TEXT NOT NULL
);
CREATE INDEX evidence_incident ON evidence (incident_id);

-- The chain of custody: who did what with a piece of evidence, when,
-- why, and for whom.
CREATE TABLE evidence_custody (
    id           INTEGER PRIMARY KEY,
    evidence_id  INTEGER NOT NULL REFERENCES evidence (id),
    at           TIMESTAMP NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    to_whom      TEXT NOT NULL DEFAULT '',
    sha256       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX evidence_custody_evidence ON evidence_custody (evidence_id);

-- +goose StatementBegin
CREATE TRIGGER evidence_blobs_no_update BEFORE UPDATE ON evidence_blobs
BEGIN
    SELECT RAISE(ABORT, 'evidence_blobs is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_blobs_no_delete BEFORE DELETE ON evidence_blobs
BEGIN
    SELECT RAISE(ABORT, 'evidence_blobs is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_chunks_no_update BEFORE UPDATE ON evidence_chunks
BEGIN
    SELECT RAISE(ABORT, 'evidence_chunks is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_chunks_no_delete BEFORE DELETE ON evidence_chunks
BEGIN
    SELECT RAISE(ABORT, 'evidence_chunks is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN
    SELECT RAISE(ABORT, 'evidence is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN
    SELECT RAISE(ABORT, 'evidence is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_custody_no_update BEFORE UPDATE ON evidence_custody
BEGIN
    SELECT RAISE(ABORT, 'evidence_custody is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_custody_no_delete BEFORE DELETE ON evidence_custody
BEGIN
    SELECT RAISE(ABORT, 'evidence_custody is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE evidence_custody;
DROP TABLE evidence;
DROP TABLE evidence_chunks;
DROP TABLE evidence_blobs;
