-- The job queue (package jobs) and what stateless replicas share.
--
-- jobs is the durable table of the in-process queue (jobs.Local), which
-- runs vmc's background work on SQLite. On PostgreSQL River's own tables
-- (river_job, made by rivermigrate) hold the jobs; the table exists there
-- too so that the store's one SQL implementation holds on both.
--
-- job_files holds uploads waiting for their import job: the job may run
-- on another replica than the one that took the upload, and a file on
-- the first one's disk would be out of its reach.
--
-- server_secrets holds keys every replica must share, the CSRF key first:
-- a token made by one replica must pass on another, and after a restart.

-- +goose Up
CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL,
    args              TEXT NOT NULL,
    by_actor          TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL CHECK (state IN ('queued', 'running', 'retrying', 'completed', 'failed', 'cancelled')),
    attempt           INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL,
    -- Every failed attempt's error, as a JSON array of jobs.AttemptError.
    errors            TEXT NOT NULL DEFAULT '[]',
    output            TEXT,
    created_at        TIMESTAMP NOT NULL,
    run_at            TIMESTAMP NOT NULL,
    attempted_at      TIMESTAMP,
    finalized_at      TIMESTAMP,
    worker            TEXT NOT NULL DEFAULT '',
    unique_key        TEXT,
    cancel_requested  INTEGER NOT NULL DEFAULT 0
);
-- Claiming takes the oldest due job; listing goes newest first by state.
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_unique ON jobs (unique_key) WHERE unique_key IS NOT NULL;

CREATE TABLE job_files (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    data        BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    value       BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE server_secrets;
DROP TABLE job_files;
DROP TABLE jobs;
