-- Triage rules: decisions that reach every finding of a vulnerability on
-- a package, or everywhere, now and in future matches (package finding,
-- type Rule).

-- +goose Up
CREATE TABLE triage_rules (
    id          INTEGER PRIMARY KEY,
    vuln_key    TEXT NOT NULL,
    rule        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX triage_rules_vuln ON triage_rules (vuln_key);

-- +goose Down
DROP TABLE triage_rules;
