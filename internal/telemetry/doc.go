// Package telemetry is what a running vmc tells Prometheus: imports
// (records, rejections, duration), re-matches and the matches they found,
// the scheduled jobs waiting to run (the queue depth of today's in-process
// scheduler), HTTP latency per route pattern and status, and the database
// pools (database/sql's DBStats on SQLite, pgxpool's Stat on PostgreSQL),
// beside Go's runtime and the process. Handler serves them in the text
// exposition format, behind a bearer token or, without one, to loopback
// callers only: the numbers describe the organisation's imports and
// traffic and are nobody else's business.
//
// Nothing here knows the store or the API: they are given to it (a pool,
// a job) or call it through the small observer interfaces they declare
// (ingest.Observer, api.HTTPObserver).
package telemetry
