-- Vulnerability reports from outside the organisation (package
-- disclosure) and their logs. The status link's secret is kept only as
-- its SHA-256 (status_hash), looked up by its public id (status_id).

-- +goose Up
CREATE TABLE disclosure_reports (
    id           INTEGER PRIMARY KEY,
    -- The acknowledgement code the reporter quotes.
    code         TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL,
    tlp          TEXT NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    incident_id  INTEGER REFERENCES incidents (id),
    status_id    TEXT NOT NULL UNIQUE,
    status_hash  TEXT NOT NULL,
    -- The whole report as JSON.
    detail       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX disclosure_reports_state ON disclosure_reports (state);

-- A report's log (its moves, deadlines, the conversation with the
-- reporter, the team's notes) is append-only, like the audit log.
CREATE TABLE disclosure_events (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES disclosure_reports (id),
    at         TIMESTAMP NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX disclosure_events_report ON disclosure_events (report_id);
-- +goose StatementBegin
CREATE TRIGGER disclosure_events_no_update BEFORE UPDATE ON disclosure_events
BEGIN
    SELECT RAISE(ABORT, 'disclosure_events is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER disclosure_events_no_delete BEFORE DELETE ON disclosure_events
BEGIN
    SELECT RAISE(ABORT, 'disclosure_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE disclosure_events;
DROP TABLE disclosure_reports;
