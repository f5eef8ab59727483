package peer

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// The index is how a vmc tells its peers what changed, in the shape of
// osv.dev's bucket file modified_id.csv
// (https://google.github.io/osv.dev/data/#downloading-recent-changes):
// one line per vulnerability, "<modified>,<id>", RFC 3339 UTC, with a
// third column vmc adds, the record's origin. Unlike osv.dev's, which
// lists the newest first, vmc's lists the oldest change first and pages
// (the next page's cursor is in a response header), because a peer reads
// it from where it stopped.

// IndexEntry is one line of the index.
type IndexEntry struct {
	Modified time.Time
	ID       string
	Origin   string
}

// Index bounds: an id longer than this is no id, and a page longer than
// MaxIndexLines is not one vmc asked for.
const (
	maxIndexID    = 256
	MaxIndexLines = 10000
)

// WriteIndex writes entries as index lines.
func WriteIndex(w io.Writer, entries []IndexEntry) error {
	bw := bufio.NewWriter(w)
	for _, e := range entries {
		if _, err := fmt.Fprintf(bw, "%s,%s,%s\n", e.Modified.UTC().Format(time.RFC3339Nano), e.ID, e.Origin); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadIndex reads an index page. A malformed line is an error naming
// its number: a peer that sends one is not speaking vmc's index, and
// skipping lines would lose changes silently.
func ReadIndex(r io.Reader) ([]IndexEntry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 4096)
	var out []IndexEntry
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			continue
		}
		if len(out) == MaxIndexLines {
			return nil, fmt.Errorf("index: line %d: more than %d lines in one page", n, MaxIndexLines)
		}
		parts := strings.Split(line, ",")
		if len(parts) != 3 {
			return nil, fmt.Errorf("index: line %d: want modified,id,origin; got %d fields", n, len(parts))
		}
		t, err := time.Parse(time.RFC3339Nano, parts[0])
		if err != nil {
			return nil, fmt.Errorf("index: line %d: modified: %w", n, err)
		}
		id := parts[1]
		if id == "" || len(id) > maxIndexID || strings.ContainsAny(id, " /\\?#%\t") {
			return nil, fmt.Errorf("index: line %d: id: malformed %q", n, id)
		}
		if parts[2] != "" {
			if err := CheckOrigin(parts[2]); err != nil {
				return nil, fmt.Errorf("index: line %d: %w", n, err)
			}
		}
		out = append(out, IndexEntry{Modified: t.UTC(), ID: id, Origin: parts[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return out, nil
}
