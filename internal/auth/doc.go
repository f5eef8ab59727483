// Package auth is who may do what in vmc: local users and their roles,
// password hashing and policy, API tokens and session ids, the
// role → permission matrix with token scopes narrowing it, login rate
// limiting, and CSRF tokens.
//
// The pieces the HTTP layer puts together:
//
//   - Passwords are hashed with argon2id at OWASP's recommended cost
//     (HashPassword, CheckPassword, NeedsRehash) and chosen under NIST SP
//     800-63B-4's rules: length, no composition rules
//     (CheckPasswordPolicy). DummyCheck makes a login for an unknown user
//     cost as much as one with a wrong password.
//   - API tokens and session ids are vmc_<id>_<secret> and
//     vmcs_<id>_<secret> (NewToken, NewSessionID): the store keeps the
//     public id and the SHA-256 of the secret, and a request is
//     authenticated by ParseToken or ParseSessionID, a lookup by id, and
//     CheckTokenSecret.
//   - Every route needs a Permission. Can, CanSome and TeamsFor read the
//     one matrix (permission.go) of roles to permissions, where owners
//     hold some permissions for their teams' objects only; Allowed adds
//     an API token's scopes, which narrow and never widen.
//   - Limiter slows password guessing per user and address, per address,
//     and per user, in memory or, shared by every replica, in a
//     LimitTable (the database).
//   - CSRFToken and CheckCSRF protect state-changing browser requests.
//
// Nothing here reads the clock: functions that need the time take it.
// Secrets come from crypto/rand.
//
// This package knows nothing of storage, HTTP or the command line.
package auth
