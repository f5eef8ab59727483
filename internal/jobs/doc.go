// Package jobs is vmc's background work: typed jobs with JSON arguments,
// enqueued, retried with backoff, unique while one is pending, cancellable,
// with a status anyone allowed can see, and periodic jobs.
//
// One interface, Queue, has two engines. On PostgreSQL it is River
// (package jobs/riverjobs), which many replicas share: a job runs on one
// of them, a replica that dies mid-job has it rescued and retried by
// another, and periodic jobs are enqueued by the elected leader only, so
// they run once per period however many replicas there are. On SQLite,
// where one process owns the database, Local runs the same semantics in
// process over a durable table (Table), so that a restart loses nothing.
//
// Handlers are registered by kind in a Registry before a queue starts; a
// queue that only lists, shows and cancels (the CLI) needs none.
package jobs
