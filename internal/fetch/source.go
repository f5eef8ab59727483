package fetch

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Import takes one file a sync has downloaded into the cache directory and
// records what it holds. A sync saves its state only after Import returned
// nil, so a file whose import failed is fetched again next time; and it
// stops at the first error.
type Import func(ctx context.Context, path string) error

// Source is an upstream feed.
type Source interface {
	// Name is the source's name on the command line: cve, osv, nvd, ...
	Name() string
	// Sync fetches what changed upstream since the last sync into the
	// cache directory and imports it.
	Sync(ctx context.Context, imp Import) (Result, error)
}

// Result says what a sync did.
type Result struct {
	// Files are the files downloaded and imported, in order.
	Files []string
	// Unchanged are the URLs the server said had not changed.
	Unchanged []string
	// Bytes is the total downloaded.
	Bytes int64
}

// add records one download's outcome.
func (r *Result) add(url string, f Fetched) {
	if f.Unchanged {
		r.Unchanged = append(r.Unchanged, redacted(url))
		return
	}
	r.Files = append(r.Files, f.Path)
	r.Bytes += f.Bytes
}

// syncURL downloads url to dst unless it is unchanged since the copy last
// imported, imports it, and saves its validators in st.
func syncURL(ctx context.Context, c *Client, dir string, st *State, full bool, url, dst string, imp Import, res *Result) error {
	var prev Validators
	if !full {
		prev = st.Validators[url]
	}
	f, err := c.Download(ctx, url, dst, prev)
	if err != nil {
		return err
	}
	if !f.Unchanged {
		if err := imp(ctx, f.Path); err != nil {
			return fmt.Errorf("import %s: %w", f.Path, err)
		}
	}
	res.add(url, f)
	if f.Unchanged {
		return nil
	}
	if st.Validators == nil {
		st.Validators = map[string]Validators{}
	}
	st.Validators[url] = f.Validators
	return SaveState(dir, st)
}

// prepare makes the cache directory and reads its state.
func prepare(dir string) (*State, error) {
	if dir == "" {
		return nil, errors.New("no cache directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return LoadState(dir)
}
