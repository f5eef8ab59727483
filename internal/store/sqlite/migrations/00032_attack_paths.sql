-- Attack-path analysis (package attackpath): network models people import
-- (MulVAL facts or vmc's JSON) and the attack graphs computed from them
-- and the inventory, kept as they came out.

-- +goose Up
CREATE TABLE attack_models (
    name        TEXT PRIMARY KEY,
    format      TEXT NOT NULL CHECK (format IN ('mulval', 'json')),
    source      TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- No foreign key to attack_models: an analysis stays when its model is
-- replaced, as the audit log does.
CREATE TABLE attack_analyses (
    id          INTEGER PRIMARY KEY,
    model       TEXT NOT NULL,
    inventory   BOOLEAN NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    goals       INTEGER NOT NULL,
    -- The whole analysis (store.AttackAnalysis) as JSON.
    detail      TEXT NOT NULL
);

-- +goose Down
DROP TABLE attack_analyses;
DROP TABLE attack_models;
