-- TAXII 2.1 and STIX 2.1 (packages taxii and stix): API roots, collections
-- with who may read and write them, every version of every STIX object
-- added to a collection, add requests' statuses, and where pulls from
-- peers stopped.

-- +goose Up
CREATE TABLE taxii_api_roots (
    name         TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE taxii_collections (
    id           TEXT PRIMARY KEY,
    api_root     TEXT NOT NULL REFERENCES taxii_api_roots (name),
    -- The whole collection as JSON (title, grants, media types).
    detail       TEXT NOT NULL
);
CREATE INDEX taxii_collections_root ON taxii_collections (api_root);

-- Object versions are never changed or removed: a new version is a new
-- row. Timestamps are TEXT in one fixed width (stix.TimeKey), so that
-- they order as strings in both dialects.
CREATE TABLE stix_objects (
    seq           INTEGER PRIMARY KEY,
    collection    TEXT NOT NULL REFERENCES taxii_collections (id),
    id            TEXT NOT NULL,
    type          TEXT NOT NULL,
    -- version as the object states it, and as a sortable key.
    version       TEXT NOT NULL,
    version_key   TEXT NOT NULL,
    spec_version  TEXT NOT NULL,
    date_added    TEXT NOT NULL,
    object        TEXT NOT NULL,
    UNIQUE (collection, id, version_key)
);
CREATE INDEX stix_objects_added ON stix_objects (collection, date_added, seq);
CREATE INDEX stix_objects_id ON stix_objects (collection, id, version_key);
-- +goose StatementBegin
CREATE TRIGGER stix_objects_no_update BEFORE UPDATE ON stix_objects
BEGIN
    SELECT RAISE(ABORT, 'stix_objects is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER stix_objects_no_delete BEFORE DELETE ON stix_objects
BEGIN
    SELECT RAISE(ABORT, 'stix_objects is append-only');
END;
-- +goose StatementEnd

CREATE TABLE taxii_status (
    id           TEXT PRIMARY KEY,
    collection   TEXT NOT NULL REFERENCES taxii_collections (id),
    user_name    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    detail       TEXT NOT NULL
);

CREATE TABLE taxii_pulls (
    peer         TEXT NOT NULL,
    collection   TEXT NOT NULL,
    -- The last X-TAXII-Date-Added-Last the peer sent: the next pull's
    -- added_after.
    added_after  TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (peer, collection)
);

-- +goose Down
DROP TABLE taxii_pulls;
DROP TABLE taxii_status;
DROP TABLE stix_objects;
DROP TABLE taxii_collections;
DROP TABLE taxii_api_roots;
