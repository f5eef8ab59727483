-- SLA policies per environment, and notifications to owners (a risk
-- acceptance that expired, an SLA breach), kept until delivered.

-- +goose Up
CREATE TABLE sla_policies (
    -- '' is the default policy, for environments without their own.
    environment  TEXT PRIMARY KEY,
    policy       TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    updated_by   TEXT NOT NULL
);

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    object      TEXT NOT NULL,
    sent_at     TIMESTAMP
);
CREATE INDEX notifications_unsent ON notifications (sent_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE sla_policies;
