-- Red-team, pen-test, purple-team and bug-bounty exercises (package
-- exercise): the exercises, their testers' manual findings, the files of
-- evidence attached to those, and their retests. Assets are named, not
-- referenced: an exercise is a record of what was tested, and outlives
-- an asset that is later deleted.

-- +goose Up
CREATE TABLE exercises (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    -- The rest (scope, rules of engagement, dates, team, methodology) as
    -- JSON.
    detail      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE exercise_findings (
    id           INTEGER PRIMARY KEY,
    exercise_id  INTEGER NOT NULL REFERENCES exercises (id),
    asset        TEXT NOT NULL,
    -- The rest of the manual finding as JSON.
    detail       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX exercise_findings_exercise ON exercise_findings (exercise_id);

-- Attachments are evidence: kept as received, with the SHA-256 taken at
-- intake, and append-only like the audit log. The triggers stop
-- accidents; the hash is what shows a file was changed behind vmc's back.
CREATE TABLE exercise_attachments (
    id          INTEGER PRIMARY KEY,
    finding_id  INTEGER NOT NULL REFERENCES exercise_findings (id),
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    content     BLOB NOT NULL,
    added_at    TIMESTAMP NOT NULL,
    added_by    TEXT NOT NULL
);
CREATE INDEX exercise_attachments_finding ON exercise_attachments (finding_id);
-- +goose StatementBegin
CREATE TRIGGER exercise_attachments_no_update BEFORE UPDATE ON exercise_attachments
BEGIN
    SELECT RAISE(ABORT, 'exercise_attachments is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER exercise_attachments_no_delete BEFORE DELETE ON exercise_attachments
BEGIN
    SELECT RAISE(ABORT, 'exercise_attachments is append-only');
END;
-- +goose StatementEnd

-- Retests are the history of a finding's verification: append-only too.
CREATE TABLE exercise_retests (
    id          INTEGER PRIMARY KEY,
    finding_id  INTEGER NOT NULL REFERENCES exercise_findings (id),
    at          TIMESTAMP NOT NULL,
    retester    TEXT NOT NULL,
    result      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exercise_retests_finding ON exercise_retests (finding_id);
-- +goose StatementBegin
CREATE TRIGGER exercise_retests_no_update BEFORE UPDATE ON exercise_retests
BEGIN
    SELECT RAISE(ABORT, 'exercise_retests is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER exercise_retests_no_delete BEFORE DELETE ON exercise_retests
BEGIN
    SELECT RAISE(ABORT, 'exercise_retests is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE exercise_retests;
DROP TABLE exercise_attachments;
DROP TABLE exercise_findings;
DROP TABLE exercises;
