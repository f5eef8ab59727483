-- What vmc's CSAF trusted provider published (package csafprovider):
-- each document as written and signed, so that it is served again byte
-- for byte until its content changes, and then gets its next revision.

-- +goose Up
CREATE TABLE csaf_publications (
    id           TEXT PRIMARY KEY,
    -- SHA-256 of the content without its tracking.
    fingerprint  TEXT NOT NULL,
    -- The revision history published, as JSON.
    revisions    TEXT NOT NULL,
    document     TEXT NOT NULL,
    signature    TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE csaf_publications;
