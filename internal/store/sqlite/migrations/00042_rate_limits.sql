-- rate_limits: what login_limits kept (migration 00036), for every
-- limiter shared by the replicas of vmc serve, each under its scope:
-- "sign-in" (auth.ScopeSignIn) and "intake", the public intake's reports,
-- messages and wrong status links per client network. Counted per
-- process, N replicas gave a reporter, or a flood, N times the limit.
-- The rows of login_limits move over as scope "sign-in".

-- +goose Up
CREATE TABLE rate_limits (
    scope         TEXT NOT NULL,
    kind          SMALLINT NOT NULL,
    user_name     TEXT NOT NULL,
    net           TEXT NOT NULL,
    failures      INTEGER NOT NULL,
    window_start  TIMESTAMP NOT NULL,
    last_fail     TIMESTAMP NOT NULL,
    lockouts      INTEGER NOT NULL,
    locked_until  TIMESTAMP NOT NULL,
    trusted       TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, kind, user_name, net)
);
CREATE INDEX rate_limits_user ON rate_limits (scope, user_name);
INSERT INTO rate_limits (scope, kind, user_name, net, failures, window_start, last_fail, lockouts, locked_until, trusted)
    SELECT 'sign-in', kind, user_name, net, failures, window_start, last_fail, lockouts, locked_until, trusted FROM login_limits;
DROP TABLE login_limits;

-- +goose Down
CREATE TABLE login_limits (
    kind          SMALLINT NOT NULL,
    user_name     TEXT NOT NULL,
    net           TEXT NOT NULL,
    failures      INTEGER NOT NULL,
    window_start  TIMESTAMP NOT NULL,
    last_fail     TIMESTAMP NOT NULL,
    lockouts      INTEGER NOT NULL,
    locked_until  TIMESTAMP NOT NULL,
    trusted       TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, user_name, net)
);
CREATE INDEX login_limits_user ON login_limits (user_name);
INSERT INTO login_limits (kind, user_name, net, failures, window_start, last_fail, lockouts, locked_until, trusted)
    SELECT kind, user_name, net, failures, window_start, last_fail, lockouts, locked_until, trusted FROM rate_limits WHERE scope = 'sign-in';
DROP TABLE rate_limits;
