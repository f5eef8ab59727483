-- What every replica of vmc serve must share on one database.
--
-- login_limits: the sign-in limiter's counts (auth.NewSharedLimiter), one
-- row per bucket: a user name at a client network (kind 0), a client
-- network (1), a user name at any (2). Kept per process, N replicas gave
-- an attacker N times the guesses. A zero time is "never".

--
-- csaf_provider_state and csaf_publications.listed: the CSAF provider is
-- built by one scheduled job for all replicas, which each render the
-- same tree from what the job kept: which documents are listed now, the
-- signing key's public half, the publisher, and a generation they poll.

-- +goose Up
CREATE TABLE login_limits (
    kind          SMALLINT NOT NULL,
    user_name     TEXT NOT NULL,
    net           TEXT NOT NULL,
    failures      INTEGER NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    last_fail     TIMESTAMPTZ NOT NULL,
    lockouts      INTEGER NOT NULL,
    locked_until  TIMESTAMPTZ NOT NULL,
    trusted       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, user_name, net)
);
CREATE INDEX login_limits_user ON login_limits (user_name);

ALTER TABLE csaf_publications ADD COLUMN listed BOOLEAN NOT NULL DEFAULT TRUE;
CREATE TABLE csaf_provider_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    generation   BIGINT NOT NULL,
    built_at     TIMESTAMPTZ NOT NULL,
    fingerprint  TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    -- provider-metadata.json's publisher, as JSON.
    publisher    TEXT NOT NULL
);

-- +goose Down
DROP TABLE csaf_provider_state;
ALTER TABLE csaf_publications DROP COLUMN listed;
DROP TABLE login_limits;
