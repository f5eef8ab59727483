-- The communication trees of incidents (package incident, stakeholder.go
-- and escalation.go), acknowledgements, and the record of every message
-- to a stakeholder (delivery.go; sent by package notify). incident_id
-- NULL is the organisation's default tree, copied onto every new
-- incident.

-- +goose Up
CREATE TABLE incident_stakeholders (
    id              INTEGER PRIMARY KEY,
    incident_id     INTEGER REFERENCES incidents (id),
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '',
    webhook         TEXT NOT NULL DEFAULT '',
    -- Kept as it is: HMAC signing needs the secret itself (see package
    -- notify). Never copied into the audit log.
    webhook_secret  TEXT NOT NULL DEFAULT '',
    lang            TEXT NOT NULL,
    clearance       TEXT NOT NULL,
    external        INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX incident_stakeholders_name ON incident_stakeholders (COALESCE(incident_id, 0), name);

-- One path per tree, replaced as a whole: its levels as JSON.
CREATE TABLE incident_escalations (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER REFERENCES incidents (id),
    levels       TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    updated_by   TEXT NOT NULL
);
CREATE UNIQUE INDEX incident_escalations_tree ON incident_escalations (COALESCE(incident_id, 0));

CREATE TABLE incident_acks (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    actor        TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_acks_incident ON incident_acks (incident_id);
-- +goose StatementBegin
CREATE TRIGGER incident_acks_no_update BEFORE UPDATE ON incident_acks
BEGIN
    SELECT RAISE(ABORT, 'incident_acks is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incident_acks_no_delete BEFORE DELETE ON incident_acks
BEGIN
    SELECT RAISE(ABORT, 'incident_acks is append-only');
END;
-- +goose StatementEnd

-- A delivery is one message to one stakeholder through one channel. It
-- is recorded before it is attempted (pending) or as the disclosure
-- controls decided (held, withheld); only pending and held rows change,
-- and only their outcome: the message and its recipient are fixed, and
-- no row is ever deleted. stakeholder_id has no foreign key: a
-- stakeholder removed from the tree keeps its deliveries, by name.
CREATE TABLE incident_deliveries (
    id              INTEGER PRIMARY KEY,
    incident_id     INTEGER NOT NULL REFERENCES incidents (id),
    stakeholder_id  INTEGER NOT NULL,
    stakeholder     TEXT NOT NULL,
    channel         TEXT NOT NULL,
    address         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    level           INTEGER NOT NULL DEFAULT 0,
    text            TEXT NOT NULL DEFAULT '',
    -- The message's own marking as JSON, '' when it has none.
    marking         TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    held_until      TIMESTAMP,
    attempts        INTEGER NOT NULL DEFAULT 0,
    actor           TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    done_at         TIMESTAMP
);
CREATE INDEX incident_deliveries_incident ON incident_deliveries (incident_id);
CREATE INDEX incident_deliveries_open ON incident_deliveries (status) WHERE status IN ('pending', 'held');
-- An incident escalates to a stakeholder once per level and channel,
-- however many sweeps run at once.
CREATE UNIQUE INDEX incident_deliveries_escalation ON incident_deliveries (incident_id, level, stakeholder_id, channel) WHERE kind = 'escalation';
-- +goose StatementBegin
CREATE TRIGGER incident_deliveries_final BEFORE UPDATE ON incident_deliveries
WHEN OLD.status NOT IN ('pending', 'held')
    OR NEW.id <> OLD.id OR NEW.incident_id <> OLD.incident_id OR NEW.stakeholder_id <> OLD.stakeholder_id
    OR NEW.stakeholder <> OLD.stakeholder OR NEW.channel <> OLD.channel OR NEW.address <> OLD.address
    OR NEW.kind <> OLD.kind OR NEW.level <> OLD.level OR NEW.text <> OLD.text OR NEW.marking <> OLD.marking
    OR NEW.actor <> OLD.actor OR NEW.created_at <> OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'incident_deliveries: a delivery''s message is fixed and its outcome final');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incident_deliveries_no_delete BEFORE DELETE ON incident_deliveries
BEGIN
    SELECT RAISE(ABORT, 'incident_deliveries is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE incident_deliveries;
DROP TABLE incident_acks;
DROP TABLE incident_escalations;
DROP TABLE incident_stakeholders;
