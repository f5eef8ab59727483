-- Findings (a vulnerability on a package of an asset), the VEX statements
-- that apply to them, and the hash-chained audit log of decisions.

-- +goose Up
-- The loose package key of each component (base ecosystem and name in
-- lower case, '_' and '.' as '-'), so that a changed advisory finds the
-- components it may affect; sqlstore.looseKey computes the same in Go.
ALTER TABLE components ADD COLUMN pkg_eco TEXT NOT NULL DEFAULT '';
ALTER TABLE components ADD COLUMN pkg_name TEXT NOT NULL DEFAULT '';
UPDATE components SET
    pkg_eco = lower(CASE WHEN instr(ecosystem, ':') > 0 THEN substr(ecosystem, 1, instr(ecosystem, ':') - 1) ELSE ecosystem END),
    pkg_name = replace(replace(lower(name), '_', '-'), '.', '-');
CREATE INDEX components_loose ON components (pkg_eco, pkg_name);

-- The CPE vendor:product keys of each component, for advisories that
-- name products by CPE.
CREATE TABLE component_cpes (
    component_id  INTEGER NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    cpe_key       TEXT NOT NULL
);
CREATE INDEX component_cpes_key ON component_cpes (cpe_key);
CREATE INDEX component_cpes_component ON component_cpes (component_id);

CREATE TABLE findings (
    id           INTEGER PRIMARY KEY,
    asset_id     INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    package_key  TEXT NOT NULL,
    vuln_id      INTEGER NOT NULL REFERENCES vulns (id),
    state        TEXT NOT NULL,
    -- The rest of the finding (package, versions, explanation, VEX,
    -- reason) as JSON.
    detail       TEXT NOT NULL,
    first_seen   TIMESTAMP NOT NULL,
    last_seen    TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (asset_id, package_key, vuln_id)
);
CREATE INDEX findings_vuln ON findings (vuln_id);
CREATE INDEX findings_state ON findings (state);

-- VEX statements, kept so that they apply to future matches too. An
-- asset_id of NULL applies to every asset.
CREATE TABLE vex_statements (
    id           INTEGER PRIMARY KEY,
    asset_id     INTEGER REFERENCES assets (id) ON DELETE CASCADE,
    document     TEXT NOT NULL,
    statement    TEXT NOT NULL,
    imported_at  TIMESTAMP NOT NULL
);
CREATE INDEX vex_statements_asset ON vex_statements (asset_id);

-- The audit log: append-only and hash-chained (see package audit). The
-- triggers stop accidents, not an attacker with the database file; the
-- chain is what detects that.
CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY,
    at      TIMESTAMP NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    object  TEXT NOT NULL,
    before  TEXT NOT NULL DEFAULT '',
    after   TEXT NOT NULL DEFAULT '',
    reason  TEXT NOT NULL DEFAULT '',
    prev    TEXT NOT NULL,
    hash    TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object);
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE vex_statements;
DROP TABLE findings;
DROP TABLE component_cpes;
DROP INDEX components_loose;
ALTER TABLE components DROP COLUMN pkg_name;
ALTER TABLE components DROP COLUMN pkg_eco;
