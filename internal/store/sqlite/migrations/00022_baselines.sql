-- Baseline configuration monitoring (package baseline): host
-- configuration snapshots and their evaluations against baselines, the
-- compliance history of each host. Neither is ever rewritten (UPDATE is
-- refused); both go with their asset when it is deleted.

-- +goose Up
CREATE TABLE host_snapshots (
    id          INTEGER PRIMARY KEY,
    asset_id    INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    taken_at    TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    -- The whole baseline.Snapshot as JSON.
    detail      TEXT NOT NULL
);
CREATE INDEX host_snapshots_asset ON host_snapshots (asset_id, id);

CREATE TABLE baseline_evaluations (
    id           INTEGER PRIMARY KEY,
    snapshot_id  INTEGER NOT NULL REFERENCES host_snapshots (id) ON DELETE CASCADE,
    asset_id     INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    baseline     TEXT NOT NULL,
    version      TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    -- The counts are columns so that the history is read without the
    -- results.
    passed       INTEGER NOT NULL,
    failed       INTEGER NOT NULL,
    compliance   REAL NOT NULL,
    -- The whole baseline.Evaluation as JSON.
    detail       TEXT NOT NULL
);
CREATE INDEX baseline_evaluations_asset ON baseline_evaluations (asset_id, baseline, id);
CREATE INDEX baseline_evaluations_snapshot ON baseline_evaluations (snapshot_id);

-- +goose StatementBegin
CREATE TRIGGER host_snapshots_no_update BEFORE UPDATE ON host_snapshots
BEGIN
    SELECT RAISE(ABORT, 'host_snapshots is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER baseline_evaluations_no_update BEFORE UPDATE ON baseline_evaluations
BEGIN
    SELECT RAISE(ABORT, 'baseline_evaluations is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE baseline_evaluations;
DROP TABLE host_snapshots;
