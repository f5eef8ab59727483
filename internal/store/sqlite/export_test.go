package sqlite

import "time"

// SetWALLimits sets how often the checkpointer runs and the WAL sizes
// (in pages) at which the writer is asked to restart it and at which the
// checkpointer restarts it itself, for stores opened until restore.
func SetWALLimits(every time.Duration, restart, giveUp int) (restore func()) {
	e, r, g := checkpointEvery, walRestart, walGiveUp
	checkpointEvery, walRestart, walGiveUp = every, restart, giveUp
	return func() { checkpointEvery, walRestart, walGiveUp = e, r, g }
}
