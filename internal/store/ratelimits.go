package store

import "github.com/vmc-dev/vmc/internal/auth"

// SharedLimits keeps the counts of rate limiters (auth.NewSharedLimiter)
// in the database, each limiter's under its scope: the sign-in limiter's
// failed sign-ins, the public intake's reports per address. Every
// replica of `vmc serve` on the database then counts the same attempts:
// with a count per process, N replicas behind a load balancer would give
// an attacker N times the guesses, or N times the reports.
type SharedLimits interface {
	auth.LimitTable
}
