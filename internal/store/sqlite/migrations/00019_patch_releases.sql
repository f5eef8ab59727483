-- Security patch releases (package incident): patch records of incidents,
-- the advisories published about them with their revisions, and the
-- settings advisories are published with.

-- +goose Up
CREATE TABLE incident_patches (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents (id),
    product       TEXT NOT NULL,
    criticality   TEXT NOT NULL,
    released_at   TIMESTAMP,
    notification  TEXT NOT NULL,
    -- The whole patch as JSON.
    detail        TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX incident_patches_incident ON incident_patches (incident_id);

CREATE TABLE security_advisories (
    id             INTEGER PRIMARY KEY,
    -- The advisory's id: its own (id_prefix-id_year-id_seq) or its CVE.
    advisory_id    TEXT NOT NULL UNIQUE,
    cve            TEXT NOT NULL DEFAULT '',
    incident_id    INTEGER NOT NULL REFERENCES incidents (id),
    state          TEXT NOT NULL,
    -- The marking's label and embargo date are columns, so that the
    -- public feed can be selected without reading every advisory.
    tlp            TEXT NOT NULL,
    embargo_until  TIMESTAMP,
    id_prefix      TEXT NOT NULL DEFAULT '',
    id_year        INTEGER NOT NULL DEFAULT 0,
    id_seq         INTEGER NOT NULL DEFAULT 0,
    -- The whole advisory as JSON, without its revisions.
    detail         TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    published_at   TIMESTAMP
);
-- One advisory per CVE; own ids numbered once per prefix and year.
CREATE UNIQUE INDEX security_advisories_cve ON security_advisories (cve) WHERE cve <> '';
CREATE UNIQUE INDEX security_advisories_seq ON security_advisories (id_prefix, id_year, id_seq) WHERE id_seq > 0;
CREATE INDEX security_advisories_incident ON security_advisories (incident_id);

-- An advisory's released versions, each with the advisory as released:
-- append-only, like the audit log.
CREATE TABLE security_advisory_revisions (
    advisory   INTEGER NOT NULL REFERENCES security_advisories (id),
    number     INTEGER NOT NULL,
    at         TIMESTAMP NOT NULL,
    actor      TEXT NOT NULL,
    summary    TEXT NOT NULL,
    content    TEXT NOT NULL,
    PRIMARY KEY (advisory, number)
);
-- +goose StatementBegin
CREATE TRIGGER security_advisory_revisions_no_update BEFORE UPDATE ON security_advisory_revisions
BEGIN
    SELECT RAISE(ABORT, 'security_advisory_revisions is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER security_advisory_revisions_no_delete BEFORE DELETE ON security_advisory_revisions
BEGIN
    SELECT RAISE(ABORT, 'security_advisory_revisions is append-only');
END;
-- +goose StatementEnd

-- One row: the publisher and the id prefix.
CREATE TABLE advisory_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    detail      TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE advisory_settings;
DROP TABLE security_advisory_revisions;
DROP TABLE security_advisories;
DROP TABLE incident_patches;
