-- Automation (package rules): versioned rules, the events they act on,
-- where each event source was last read, what every rule version did
-- with every event, tags, and watchlists.

-- +goose Up
-- Every change to a rule is a new row; the highest version is current.
-- from_event is the last event recorded when the version was saved: a
-- version acts on later events only (dry-runs are how it meets the past).
CREATE TABLE automation_rules (
    id          BIGINT NOT NULL,
    version     INTEGER NOT NULL,
    name        TEXT NOT NULL CHECK (name <> ''),
    on_kinds    TEXT NOT NULL DEFAULT '[]',
    when_src    TEXT NOT NULL DEFAULT '',
    then_src    TEXT NOT NULL,
    enabled     INTEGER NOT NULL,
    by_actor    TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    from_event  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (id, version)
);

-- Events, kept for dry-runs. key names what produced the event, and is
-- unique, so that reading a source twice or a check that runs twice
-- records nothing twice.
CREATE TABLE automation_events (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL UNIQUE,
    object  TEXT NOT NULL,
    at      TIMESTAMP NOT NULL,
    env     TEXT NOT NULL
);
CREATE INDEX automation_events_kind ON automation_events (kind, id);

-- Watermarks: the last claim, finding and audit entry turned into
-- events, and the last event the engine handled.
CREATE TABLE automation_cursors (
    name      TEXT PRIMARY KEY,
    position  BIGINT NOT NULL
);

-- One row per (rule version, event) the rule matched: taken before the
-- actions run, so that no restart runs them twice. status is pending
-- until the outcome is written.
CREATE TABLE automation_runs (
    rule_id   BIGINT NOT NULL,
    version   INTEGER NOT NULL,
    event_id  BIGINT NOT NULL REFERENCES automation_events (id),
    at        TIMESTAMP NOT NULL,
    status    TEXT NOT NULL,
    outcome   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (rule_id, version, event_id)
);
CREATE INDEX automation_runs_event ON automation_runs (event_id);

CREATE TABLE automation_tags (
    object   TEXT NOT NULL,
    tag      TEXT NOT NULL,
    by_actor TEXT NOT NULL,
    at       TIMESTAMP NOT NULL,
    PRIMARY KEY (object, tag)
);

CREATE TABLE watches (
    id       INTEGER PRIMARY KEY,
    owner    TEXT NOT NULL,
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    to_addr  TEXT NOT NULL,
    created  TIMESTAMP NOT NULL
);
CREATE INDEX watches_owner ON watches (owner);

-- A watch tells of an event once.
CREATE TABLE watch_sends (
    watch_id  BIGINT NOT NULL,
    event_id  BIGINT NOT NULL,
    at        TIMESTAMP NOT NULL,
    status    TEXT NOT NULL,
    PRIMARY KEY (watch_id, event_id)
);

-- +goose Down
DROP TABLE watch_sends;
DROP TABLE watches;
DROP TABLE automation_tags;
DROP TABLE automation_runs;
DROP TABLE automation_cursors;
DROP TABLE automation_events;
DROP TABLE automation_rules;
