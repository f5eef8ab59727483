package store

import "github.com/vmc-dev/vmc/internal/auth"

// SignInLimits keeps the sign-in limiter's counts (auth.NewSharedLimiter)
// in the database, so that every replica of `vmc serve` on it counts the
// same failed sign-ins: with a count per process, N replicas behind a
// load balancer would give an attacker N times the guesses.
type SignInLimits interface {
	auth.LimitTable
}
