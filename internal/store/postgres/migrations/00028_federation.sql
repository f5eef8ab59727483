-- vmc-to-vmc federation (package peer): the peers this vmc pulls from,
-- what it last pulled of each record from each peer (its origin and a
-- hash of its content, so that unchanged and own records are skipped),
-- and where its own publication stopped. Times are TEXT in one fixed
-- width (stix.TimeKey) so that they order as strings in both dialects.

-- +goose Up
CREATE TABLE peers (
    name         TEXT PRIMARY KEY,
    -- kind, url, collection, trust and schedule as JSON (peer.Peer).
    detail       TEXT NOT NULL,
    -- The token the peer issued to this vmc, sealed (peer.Sealer); ''
    -- when none.
    token        TEXT NOT NULL DEFAULT '',
    -- Where the next pull starts: the peer's index cursor or TAXII
    -- added_after.
    mark         TEXT NOT NULL DEFAULT '',
    -- The outcome of the last pull as JSON (peer.Pull).
    last         TEXT NOT NULL DEFAULT '{}',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE peer_records (
    source       TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    origin       TEXT NOT NULL,
    hash         TEXT NOT NULL,
    pulled_at    TEXT NOT NULL,
    PRIMARY KEY (source, record_id)
);

CREATE TABLE federation_marks (
    name         TEXT PRIMARY KEY,
    mark         TEXT NOT NULL
);

-- The index peers page through (changed since, oldest first).
CREATE INDEX vulns_updated ON vulns (updated_at, primary_id);

-- +goose Down
DROP INDEX vulns_updated;
DROP TABLE federation_marks;
DROP TABLE peer_records;
DROP TABLE peers;
