-- Assets, their components, and the index the matcher finds advisories by.

-- +goose Up
CREATE TABLE assets (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE CHECK (name <> ''),
    kind               TEXT NOT NULL,
    team               TEXT NOT NULL DEFAULT '',
    environment        TEXT NOT NULL DEFAULT '',
    criticality        TEXT NOT NULL DEFAULT '',
    exposure           TEXT NOT NULL DEFAULT '',
    tags               TEXT NOT NULL DEFAULT '[]',
    maintenance_group  TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

-- The current components of each asset. A re-import replaces the set; what
-- changed is kept in component_changes.
CREATE TABLE components (
    id         INTEGER PRIMARY KEY,
    asset_id   INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    ckey       TEXT NOT NULL,
    ecosystem  TEXT NOT NULL,
    name       TEXT NOT NULL,
    version    TEXT NOT NULL,
    purl       TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL,
    UNIQUE (asset_id, ckey)
);
CREATE INDEX components_package ON components (ecosystem, name);

CREATE TABLE component_changes (
    id          INTEGER PRIMARY KEY,
    asset_id    INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    changed_at  TIMESTAMP NOT NULL,
    source      TEXT NOT NULL,
    added       INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    kept        INTEGER NOT NULL,
    detail      TEXT NOT NULL
);

-- Which vulnerabilities a source record says affect a package, kept in
-- step with the records' current "affected" claims, so that a new SBOM is
-- matched by looking packages up rather than scanning advisories.
CREATE TABLE affected_index (
    record_id  INTEGER NOT NULL REFERENCES source_records (id) ON DELETE CASCADE,
    ecosystem  TEXT NOT NULL,
    package    TEXT NOT NULL
);
CREATE INDEX affected_index_package ON affected_index (ecosystem, package);
CREATE INDEX affected_index_record ON affected_index (record_id);

-- +goose Down
DROP TABLE affected_index;
DROP TABLE component_changes;
DROP TABLE components;
DROP TABLE assets;
