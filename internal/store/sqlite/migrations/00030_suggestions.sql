-- Text-classifier models and the CWE and CVSS suggestions they make
-- (package suggest). A suggestion names its vulnerability by the id it was
-- made under and is found again through the aliases table, so a later
-- merge of vulnerabilities does not lose it. Suggestions are never claims:
-- an accepted one is written as a claim of the analyst record.

-- +goose Up
CREATE TABLE suggestion_models (
    version     TEXT PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL,
    -- The gzip-compressed model file (suggest.Model.Encode).
    data        BLOB NOT NULL,
    -- Its held-out evaluation (suggest.Report) as JSON.
    report      TEXT NOT NULL
);

CREATE TABLE suggestions (
    id            INTEGER PRIMARY KEY,
    vuln          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('cwe', 'cvss_v3.1')),
    value         TEXT NOT NULL,
    confidence    REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    alternatives  TEXT NOT NULL,
    model         TEXT NOT NULL REFERENCES suggestion_models (version),
    lang          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
    created_at    TIMESTAMP NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TIMESTAMP,
    reason        TEXT NOT NULL DEFAULT '',
    UNIQUE (vuln, kind, value, model)
);
CREATE INDEX suggestions_vuln ON suggestions (vuln);

-- +goose Down
DROP TABLE suggestions;
DROP TABLE suggestion_models;
