-- Security incidents (package incident): the incidents, their timelines
-- and their response tasks. Assets and vulnerabilities are named, not
-- referenced: an incident is a record of what happened, and outlives an
-- asset that is later deleted.

-- +goose Up
CREATE TABLE incidents (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    category       TEXT NOT NULL,
    severity       TEXT NOT NULL,
    state          TEXT NOT NULL,
    -- The marking's label and embargo date are columns, so that what may
    -- be released can be selected without reading every incident; the
    -- embargo's reason and recipients are in detail.
    tlp            TEXT NOT NULL,
    embargo_until  TIMESTAMP,
    detected_at    TIMESTAMP NOT NULL,
    reported_at    TIMESTAMP NOT NULL,
    -- The whole incident as JSON.
    detail         TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX incidents_state ON incidents (state);

-- The timeline is the incident's log: append-only, like the audit log.
CREATE TABLE incident_events (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    at           TIMESTAMP NOT NULL,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events (incident_id);
-- +goose StatementBegin
CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events
BEGIN
    SELECT RAISE(ABORT, 'incident_events is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incident_events_no_delete BEFORE DELETE ON incident_events
BEGIN
    SELECT RAISE(ABORT, 'incident_events is append-only');
END;
-- +goose StatementEnd

CREATE TABLE incident_tasks (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    owner        TEXT NOT NULL,
    due          TIMESTAMP,
    done_at      TIMESTAMP,
    done_by      TEXT NOT NULL DEFAULT '',
    link         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX incident_tasks_incident ON incident_tasks (incident_id);

-- +goose Down
DROP TABLE incident_tasks;
DROP TABLE incident_events;
DROP TABLE incidents;
