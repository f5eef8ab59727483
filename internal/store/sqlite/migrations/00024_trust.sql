-- Trusted computing posture (package trust): each host's root of trust,
-- Secure Boot and measured-boot state, compensating controls, and the
-- integrity verifications of its IMA measurement lists.

-- +goose Up
CREATE TABLE trust_postures (
    asset_id    INTEGER PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    root        TEXT NOT NULL,
    -- The whole posture as JSON.
    detail      TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Each comparison of a measurement list with a manifest, as it came out:
-- append-only, like the audit log, and kept, like it, after the asset is
-- deleted (hence no foreign key).
CREATE TABLE trust_verifications (
    id          INTEGER PRIMARY KEY,
    asset_id    INTEGER NOT NULL,
    asset       TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    deviations  INTEGER NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX trust_verifications_asset ON trust_verifications (asset_id, id);
-- +goose StatementBegin
CREATE TRIGGER trust_verifications_no_update BEFORE UPDATE ON trust_verifications
BEGIN
    SELECT RAISE(ABORT, 'trust_verifications is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER trust_verifications_no_delete BEFORE DELETE ON trust_verifications
BEGIN
    SELECT RAISE(ABORT, 'trust_verifications is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE trust_verifications;
DROP TABLE trust_postures;
