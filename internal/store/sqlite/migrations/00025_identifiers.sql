-- vmc's own vulnerability identifiers (package ident): one counter per
-- namespace and year, the identifiers, and the aliases assigned later.

-- +goose Up
CREATE TABLE identifier_counters (
    namespace  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    -- The last sequence number handed out.
    last       INTEGER NOT NULL,
    PRIMARY KEY (namespace, year)
);

CREATE TABLE identifiers (
    id          INTEGER PRIMARY KEY,
    identifier  TEXT NOT NULL UNIQUE,
    namespace   TEXT NOT NULL,
    year        INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    state       TEXT NOT NULL,
    -- The whole identifier as JSON.
    detail      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (namespace, year, seq)
);
CREATE INDEX identifiers_state ON identifiers (state);

-- An alias (lower case) names one identifier.
CREATE TABLE identifier_aliases (
    alias          TEXT PRIMARY KEY,
    identifier_id  INTEGER NOT NULL REFERENCES identifiers (id)
);

-- +goose Down
DROP TABLE identifier_aliases;
DROP TABLE identifiers;
DROP TABLE identifier_counters;
