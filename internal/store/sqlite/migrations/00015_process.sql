-- The incident response process and its people (package
-- incident/process): versioned playbooks, the response team roster,
-- training records, stakeholder briefings, and the periodic reviews of
-- the process with their schedule. Playbook versions, trainings,
-- briefings and reviews are records of what was decided and done:
-- append-only, like the audit log.

-- +goose Up
CREATE TABLE playbook_versions (
    id            INTEGER PRIMARY KEY,
    playbook_key  TEXT NOT NULL,
    version       INTEGER NOT NULL,
    -- The whole version as JSON.
    detail        TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (playbook_key, version)
);
-- +goose StatementBegin
CREATE TRIGGER playbook_versions_no_update BEFORE UPDATE ON playbook_versions
BEGIN
    SELECT RAISE(ABORT, 'playbook_versions is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER playbook_versions_no_delete BEFORE DELETE ON playbook_versions
BEGIN
    SELECT RAISE(ABORT, 'playbook_versions is append-only');
END;
-- +goose StatementEnd

-- The roster changes as people join and leave (active_to is set, the
-- row is kept): trainings refer to it.
CREATE TABLE response_members (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    user_name    TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL,
    active_from  TIMESTAMP NOT NULL,
    active_to    TIMESTAMP,
    -- The whole entry as JSON.
    detail       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE trainings (
    id                INTEGER PRIMARY KEY,
    member_id         INTEGER NOT NULL REFERENCES response_members (id),
    playbook_key      TEXT NOT NULL,
    playbook_version  INTEGER NOT NULL,
    trained_on        TIMESTAMP NOT NULL,
    trainer           TEXT NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    created_by        TEXT NOT NULL,
    FOREIGN KEY (playbook_key, playbook_version) REFERENCES playbook_versions (playbook_key, version)
);
CREATE INDEX trainings_member ON trainings (member_id);
-- +goose StatementBegin
CREATE TRIGGER trainings_no_update BEFORE UPDATE ON trainings
BEGIN
    SELECT RAISE(ABORT, 'trainings is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER trainings_no_delete BEFORE DELETE ON trainings
BEGIN
    SELECT RAISE(ABORT, 'trainings is append-only');
END;
-- +goose StatementEnd

CREATE TABLE briefings (
    id                INTEGER PRIMARY KEY,
    held_at           TIMESTAMP NOT NULL,
    team              TEXT NOT NULL,
    -- Both NULL for a briefing on the process in general.
    playbook_key      TEXT,
    playbook_version  INTEGER,
    -- The whole briefing as JSON (attendees, notes, who gave it).
    detail            TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    created_by        TEXT NOT NULL,
    FOREIGN KEY (playbook_key, playbook_version) REFERENCES playbook_versions (playbook_key, version)
);
CREATE INDEX briefings_held ON briefings (held_at);
-- +goose StatementBegin
CREATE TRIGGER briefings_no_update BEFORE UPDATE ON briefings
BEGIN
    SELECT RAISE(ABORT, 'briefings is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER briefings_no_delete BEFORE DELETE ON briefings
BEGIN
    SELECT RAISE(ABORT, 'briefings is append-only');
END;
-- +goose StatementEnd

CREATE TABLE process_reviews (
    id          INTEGER PRIMARY KEY,
    held_on     TIMESTAMP NOT NULL,
    -- The whole review as JSON (participants, findings, decisions).
    detail      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL
);
-- +goose StatementBegin
CREATE TRIGGER process_reviews_no_update BEFORE UPDATE ON process_reviews
BEGIN
    SELECT RAISE(ABORT, 'process_reviews is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_reviews_no_delete BEFORE DELETE ON process_reviews
BEGIN
    SELECT RAISE(ABORT, 'process_reviews is append-only');
END;
-- +goose StatementEnd

-- One row at most: the schedule in force. Its history is in the audit
-- log.
CREATE TABLE process_review_schedule (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    every_months  INTEGER NOT NULL,
    start_on      TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL
);

-- +goose Down
DROP TABLE process_review_schedule;
DROP TABLE process_reviews;
DROP TABLE briefings;
DROP TABLE trainings;
DROP TABLE response_members;
DROP TABLE playbook_versions;
