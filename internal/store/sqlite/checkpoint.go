package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// checkpointer copies WAL frames back into the database file in the
// background. By default SQLite does this inside COMMIT once the WAL passes
// 1,000 pages, so the importing writer stops to copy and fsync the file
// every few batches; with the writer's wal_autocheckpoint off, a separate
// connection does PASSIVE checkpoints — which never wait for and never
// block the writer — while the writer goes on appending.
//
// A passive checkpoint cannot go past frames a reader still needs, and the
// writer only wraps back to the start of the WAL once a checkpoint has
// caught up, so under a long stream of writes the WAL could grow; when it
// passes walLimit pages the checkpointer asks for a RESTART checkpoint,
// which waits (busy_timeout) for the writer's current transaction and
// makes the next one start the WAL afresh. journal_size_limit then
// truncates the file. Close does a final TRUNCATE checkpoint.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done sync.WaitGroup
}

const (
	// checkpointEvery is long enough that the pages every batch rewrites
	// (the ends of the tables and indexes it appends to) are copied once
	// a second rather than five times: at 200 ms the checkpoints of a
	// CNVD import took 6% more CPU than at 1 s.
	checkpointEvery = time.Second
	// walLimit is 64 MiB of 4 KiB pages.
	walLimit = 16384
)

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, stop: make(chan struct{})}
	c.done.Add(1)
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer c.done.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	ctx := context.Background()
	mode := "PASSIVE"
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		// Errors are left for the next tick: a checkpoint that fails
		// (the file busy, the disk full) loses nothing, the frames stay in
		// the WAL, and the writer's commits report real trouble.
		var busy, log, done int
		if err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &done); err != nil {
			continue
		}
		mode = "PASSIVE"
		if log-done > walLimit || log > 4*walLimit {
			mode = "RESTART"
		}
	}
}

// Close stops the loop and checkpoints what is left, truncating the WAL.
func (c *checkpointer) Close() error {
	close(c.stop)
	c.done.Wait()
	_, err := c.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}
