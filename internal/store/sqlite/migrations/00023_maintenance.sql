-- Environment hardening (package maintenance, SAMM O-EM, NIST SP
-- 800-40r4): environment specifications, maintenance groups, patch
-- plans, protective tools, audit plans with their runs, and projects'
-- SAMM answers. Objects are kept whole as JSON in detail; the columns
-- beside it are what lists select and order by.

-- +goose Up
-- Every version of every asset's specification: append-only.
CREATE TABLE env_specs (
    id          INTEGER PRIMARY KEY,
    asset       TEXT NOT NULL,
    version     INTEGER NOT NULL,
    detail      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (asset, version)
);
-- +goose StatementBegin
CREATE TRIGGER env_specs_no_update BEFORE UPDATE ON env_specs
BEGIN
    SELECT RAISE(ABORT, 'env_specs is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER env_specs_no_delete BEFORE DELETE ON env_specs
BEGIN
    SELECT RAISE(ABORT, 'env_specs is append-only');
END;
-- +goose StatementEnd

CREATE TABLE maintenance_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    detail      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE patch_plans (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES maintenance_groups (id),
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX patch_plans_group ON patch_plans (group_id);

CREATE TABLE protective_tools (
    asset       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (asset, kind)
);

CREATE TABLE audit_plans (
    id           INTEGER PRIMARY KEY,
    environment  TEXT NOT NULL,
    detail       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- The audits done under a plan: append-only, like the audit log.
CREATE TABLE audit_runs (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES audit_plans (id),
    at       TIMESTAMP NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX audit_runs_plan ON audit_runs (plan_id, at);
-- +goose StatementBegin
CREATE TRIGGER audit_runs_no_update BEFORE UPDATE ON audit_runs
BEGIN
    SELECT RAISE(ABORT, 'audit_runs is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_runs_no_delete BEFORE DELETE ON audit_runs
BEGIN
    SELECT RAISE(ABORT, 'audit_runs is append-only');
END;
-- +goose StatementEnd

-- Every answer given, newest wins per project and question: append-only,
-- so that how a project's maturity moved stays visible.
CREATE TABLE samm_answers (
    id        INTEGER PRIMARY KEY,
    project   TEXT NOT NULL,
    question  TEXT NOT NULL,
    answer    INTEGER NOT NULL,
    at        TIMESTAMP NOT NULL,
    actor     TEXT NOT NULL
);
CREATE INDEX samm_answers_project ON samm_answers (project, question, id);
-- +goose StatementBegin
CREATE TRIGGER samm_answers_no_update BEFORE UPDATE ON samm_answers
BEGIN
    SELECT RAISE(ABORT, 'samm_answers is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER samm_answers_no_delete BEFORE DELETE ON samm_answers
BEGIN
    SELECT RAISE(ABORT, 'samm_answers is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE samm_answers;
DROP TABLE audit_runs;
DROP TABLE audit_plans;
DROP TABLE protective_tools;
DROP TABLE patch_plans;
DROP TABLE maintenance_groups;
DROP TABLE env_specs;
