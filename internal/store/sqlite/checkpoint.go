package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointer copies WAL frames back into the database file in the
// background. By default SQLite does this inside COMMIT once the WAL passes
// 1,000 pages, so the importing writer stops to copy and fsync the file
// every few batches; with the writer's wal_autocheckpoint off, a separate
// connection does PASSIVE checkpoints — which never wait for and never
// block the writer — while the writer goes on appending.
//
// The WAL starts again from its beginning only when a write transaction
// begins while every frame in it is in the database. A writer that commits
// batch after batch never leaves such a moment: the checkpointer finishes
// while the writer is in a transaction, whose commit adds frames again.
// So once the WAL passes walRestart pages the checkpointer asks the writer
// (restartWAL), which, before its next transaction begins, checkpoints
// what it committed since the checkpointer's last pass. The checkpointer
// used to ask for a RESTART checkpoint instead, which waits (busy_timeout)
// for a moment with no write transaction open. An import seldom leaves
// one: in a CNVD import one such wait lasted 7 s, during which nothing was
// checkpointed, the WAL grew to 400 MiB, and what was left of it the
// import copied before it could exit (0.2 to 2 s). The checkpointer still
// asks for RESTART when it falls walLimit pages behind, or when the WAL
// passes walGiveUp pages all the same (writes from another process, which
// is not asked). After a restart the file is cut back to walRestart pages
// (walSizeLimit), not further.
// Close does a final TRUNCATE checkpoint.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done sync.WaitGroup
	// restart asks the writer to let the WAL start again (restartWAL).
	restart atomic.Bool
	// every, restartAt and giveUp are checkpointEvery, walRestart and
	// walGiveUp when the store opened.
	every             time.Duration
	restartAt, giveUp int
}

// Variables, not constants, so that a test can see a WAL restart in
// seconds (export_test.go).
var (
	// checkpointEvery is long enough that the pages every batch rewrites
	// (the ends of the tables and indexes it appends to) are copied once
	// a second rather than five times: at 200 ms the checkpoints of a
	// CNVD import took 6% more CPU than at 1 s.
	checkpointEvery = time.Second
	// walLimit is 64 MiB of 4 KiB pages.
	walLimit = 16384
	// walRestart is where the writer is asked to let the WAL restart: each
	// time costs the writer a checkpoint of what it committed since the
	// checkpointer's last pass (0.15 to 0.4 s in a CNVD import, most of
	// it waiting for the disk), so not too often.
	walRestart = 4 * walLimit
	walGiveUp  = 4 * walRestart
)

// walSizeLimit is the journal_size_limit pragma: the size the first
// commit after a restart cuts the WAL file back to. At the size where the
// writer restarts it, a restart leaves the file as it is; cut back to
// 64 MiB, the first commit after a restart in a CNVD import spent 0.15 s
// in ftruncate giving back 190 MiB that the next commits then wrote again.
func walSizeLimit() string { return fmt.Sprintf("journal_size_limit(%d)", walRestart*4096) }

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, stop: make(chan struct{}), every: checkpointEvery, restartAt: walRestart, giveUp: walGiveUp}
	c.done.Add(1)
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer c.done.Done()
	t := time.NewTicker(c.every)
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
		switch {
		case log-done > walLimit || log > c.giveUp:
			mode = "RESTART"
		case log > c.restartAt:
			c.restart.Store(true)
		}
	}
}

// restartWAL runs on the writer's connection before each write
// transaction (sqlstore.Store.BetweenWrites). When the checkpointer has
// asked, it checkpoints what is left of the WAL, so that the transaction
// about to begin starts the WAL again from its beginning. When the
// checkpointer is checkpointing at that moment (busy), the next
// transaction tries again; a reader still on older frames can also keep
// the checkpoint from finishing, and the checkpointer then asks again.
func (c *checkpointer) restartWAL(ctx context.Context, w *sql.DB) {
	if !c.restart.CompareAndSwap(true, false) {
		return
	}
	var busy, log, done int
	err := w.QueryRowContext(context.WithoutCancel(ctx), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &done)
	if err != nil || busy != 0 {
		c.restart.Store(true)
	}
}

// Close stops the loop and checkpoints what is left, truncating the WAL.
func (c *checkpointer) Close() error {
	close(c.stop)
	c.done.Wait()
	_, err := c.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}
