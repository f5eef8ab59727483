-- What every replica of vmc serve must share on one database.
--
-- login_limits: the sign-in limiter's counts (auth.NewSharedLimiter), one
-- row per bucket: a user name at a client network (kind 0), a client
-- network (1), a user name at any (2). Kept per process, N replicas gave
-- an attacker N times the guesses. A zero time is "never".

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

-- +goose Down
DROP TABLE login_limits;
