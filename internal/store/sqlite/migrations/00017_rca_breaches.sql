-- Root-cause analyses and personal data breaches (package incident,
-- rca.go, recommend.go, breach.go): the analysis of each incident, its
-- causes, its recommendations and management's decisions on them, the
-- "where else?" tasks, and the breach notification decisions and
-- deadline rules. Decisions are records of what was decided: append-only,
-- like the audit log.

-- +goose Up
CREATE TABLE incident_analyses (
    incident_id  INTEGER PRIMARY KEY REFERENCES incidents (id),
    text         TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    updated_by   TEXT NOT NULL
);

CREATE TABLE incident_causes (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    kind         TEXT NOT NULL,
    -- The CWE and the component's loose package key (as components.pkg_eco
    -- and pkg_name) are columns, so that causes can be counted and looked
    -- up by them; the rest of the cause is in detail.
    cwe          TEXT NOT NULL DEFAULT '',
    pkg_eco      TEXT NOT NULL DEFAULT '',
    pkg_name     TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX incident_causes_incident ON incident_causes (incident_id);
CREATE INDEX incident_causes_cwe ON incident_causes (cwe);

CREATE TABLE incident_recommendations (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    cause_id     INTEGER REFERENCES incident_causes (id),
    owner        TEXT NOT NULL,
    due          TIMESTAMP,
    detail       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX incident_recommendations_incident ON incident_recommendations (incident_id);

CREATE TABLE recommendation_decisions (
    id                 INTEGER PRIMARY KEY,
    recommendation_id  INTEGER NOT NULL REFERENCES incident_recommendations (id),
    incident_id        INTEGER NOT NULL REFERENCES incidents (id),
    decision           TEXT NOT NULL,
    decided_at         TIMESTAMP NOT NULL,
    decided_by         TEXT NOT NULL,
    task_id            INTEGER REFERENCES incident_tasks (id),
    expires            TIMESTAMP,
    detail             TEXT NOT NULL
);
CREATE INDEX recommendation_decisions_recommendation ON recommendation_decisions (recommendation_id);
-- +goose StatementBegin
CREATE TRIGGER recommendation_decisions_no_update BEFORE UPDATE ON recommendation_decisions
BEGIN
    SELECT RAISE(ABORT, 'recommendation_decisions is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER recommendation_decisions_no_delete BEFORE DELETE ON recommendation_decisions
BEGIN
    SELECT RAISE(ABORT, 'recommendation_decisions is append-only');
END;
-- +goose StatementEnd

-- One task per cause and asset, so that asking "where else?" twice opens
-- no second task for the same asset.
CREATE TABLE incident_where_else (
    cause_id  INTEGER NOT NULL REFERENCES incident_causes (id),
    asset     TEXT NOT NULL,
    task_id   INTEGER NOT NULL REFERENCES incident_tasks (id),
    PRIMARY KEY (cause_id, asset)
);

CREATE TABLE breach_decisions (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents (id),
    jurisdiction  TEXT NOT NULL,
    action        TEXT NOT NULL,
    decided_at    TIMESTAMP NOT NULL,
    decided_by    TEXT NOT NULL,
    notified_at   TIMESTAMP,
    detail        TEXT NOT NULL
);
CREATE INDEX breach_decisions_incident ON breach_decisions (incident_id);
-- +goose StatementBegin
CREATE TRIGGER breach_decisions_no_update BEFORE UPDATE ON breach_decisions
BEGIN
    SELECT RAISE(ABORT, 'breach_decisions is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER breach_decisions_no_delete BEFORE DELETE ON breach_decisions
BEGIN
    SELECT RAISE(ABORT, 'breach_decisions is append-only');
END;
-- +goose StatementEnd

-- Deadline rules the organisation set, each replacing the default of its
-- jurisdiction (incident.DefaultDeadlineRules).
CREATE TABLE breach_rules (
    jurisdiction  TEXT PRIMARY KEY,
    detail        TEXT NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL
);

-- +goose Down
DROP TABLE breach_rules;
DROP TABLE breach_decisions;
DROP TABLE incident_where_else;
DROP TABLE recommendation_decisions;
DROP TABLE incident_recommendations;
DROP TABLE incident_causes;
DROP TABLE incident_analyses;
