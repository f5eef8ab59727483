// Package backup copies a vmc database to a directory and back, with a
// manifest that lets the restore prove it brought back what was saved.
//
// A backup is a directory holding the database file (SQLite: a copy made
// with VACUUM INTO, consistent while vmc keeps running; PostgreSQL:
// pg_dump's custom format, taken in an exported snapshot) and
// manifest.json: the engine, the schema version, the rows of every table
// and the audit log's length and head hash, all read in the same snapshot
// as the copy, and the copy's SHA-256.
//
// Restore checks the SHA-256 before touching anything, refuses a target
// that holds data unless forced, brings the copy in, migrates it to this
// binary's schema if it is older, and then compares every table's rows
// with the manifest and walks the audit chain, whose length and head must
// be the manifest's: a restore that lost or changed a decision fails.
//
// Backups stay within one engine; moving between SQLite and PostgreSQL is
// not a backup's job.
package backup
