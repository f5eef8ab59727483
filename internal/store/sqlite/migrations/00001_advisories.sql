-- The vulnerability record: source records, their claims with history, and
-- the vulnerabilities they merge into. See internal/advisory for the model.

-- +goose Up
CREATE TABLE vulns (
    id          INTEGER PRIMARY KEY,
    primary_id  TEXT NOT NULL UNIQUE,
    -- Summary columns, recomputed from the merged view on every write, so
    -- that lists and filters need no merging.
    summary     TEXT NOT NULL DEFAULT '{}',
    search      TEXT NOT NULL DEFAULT '',
    -- 0001-01-01 when no source says; NOT NULL keeps keyset paging simple.
    published   TIMESTAMP NOT NULL,
    score       REAL NOT NULL DEFAULT 0,
    kev         INTEGER NOT NULL DEFAULT 0,
    epss        REAL NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX vulns_published ON vulns (published DESC, primary_id);

-- Every identifier a vulnerability is known by. alias_key is the upper-cased
-- alias, so lookups ignore case; alias keeps the spelling the source used.
CREATE TABLE aliases (
    alias_key  TEXT PRIMARY KEY,
    alias      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    vuln_id    INTEGER NOT NULL REFERENCES vulns (id)
);
CREATE INDEX aliases_vuln ON aliases (vuln_id);

CREATE TABLE source_records (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL CHECK (source <> ''),
    record_id   TEXT NOT NULL CHECK (record_id <> ''),
    -- The containing document, for sources whose documents each carry
    -- several vulnerabilities named by ids they do not own (CSAF).
    document    TEXT NOT NULL DEFAULT '',
    vuln_id     INTEGER NOT NULL REFERENCES vulns (id),
    hash        TEXT NOT NULL,
    modified    TIMESTAMP,
    first_seen  TIMESTAMP NOT NULL,
    last_seen   TIMESTAMP NOT NULL,
    -- Set when a newer snapshot of the source (a KEV catalogue, a day of
    -- EPSS) no longer carries the record; its claims are then history.
    retired_at  TIMESTAMP,
    UNIQUE (source, document, record_id)
);
CREATE INDEX source_records_vuln ON source_records (vuln_id);

-- One row per value a source record states for a (field, key). A changed
-- value sets replaced_at on the old row and adds a new one: the history.
CREATE TABLE claims (
    id           INTEGER PRIMARY KEY,
    record_id    INTEGER NOT NULL REFERENCES source_records (id),
    field        TEXT NOT NULL CHECK (field <> ''),
    claim_key    TEXT NOT NULL,
    value        TEXT NOT NULL,
    seen_at      TIMESTAMP NOT NULL,
    replaced_at  TIMESTAMP
);
CREATE INDEX claims_record ON claims (record_id);
CREATE UNIQUE INDEX claims_current ON claims (record_id, field, claim_key) WHERE replaced_at IS NULL;

-- When a new alias shows two vulnerabilities to be one, the younger is
-- folded into the older; this keeps the trace.
CREATE TABLE vuln_merges (
    into_id    INTEGER NOT NULL REFERENCES vulns (id),
    from_id    INTEGER NOT NULL,
    from_primary TEXT NOT NULL,
    via        TEXT NOT NULL,
    merged_at  TIMESTAMP NOT NULL
);

-- Documents already imported, by name and content fingerprint, so that a
-- re-import skips what has not changed without parsing it again.
CREATE TABLE documents (
    name         TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    imported_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE documents;
DROP TABLE vuln_merges;
DROP TABLE claims;
DROP TABLE source_records;
DROP TABLE aliases;
DROP TABLE vulns;
