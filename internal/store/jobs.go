package store

import (
	"context"

	"github.com/vmc-dev/vmc/internal/jobs"
)

// Jobs is what the job queue and stateless replicas keep in the
// database: the in-process queue's table (used on SQLite; River keeps its
// own on PostgreSQL), uploads waiting for their import job, and secrets
// every replica shares.
type Jobs interface {
	jobs.Table
	// PutJobFile keeps an upload until its job has run, and returns its id.
	PutJobFile(ctx context.Context, name string, data []byte) (int64, error)
	// JobFile returns an upload's name and content.
	JobFile(ctx context.Context, id int64) (name string, data []byte, err error)
	DeleteJobFile(ctx context.Context, id int64) error
	// ServerSecret returns the secret called name, made by gen on first
	// use; when two replicas make it at once, both get the one stored
	// first. With gen nil it only reads: ErrNotFound when there is none.
	ServerSecret(ctx context.Context, name string, gen func() []byte) ([]byte, error)
}
