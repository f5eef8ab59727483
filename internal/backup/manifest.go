package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ManifestName is the manifest's file name in a backup directory.
const ManifestName = "manifest.json"

// Format is the manifest's layout version; a restore refuses others.
const Format = 1

// Manifest describes a backup.
type Manifest struct {
	Format int `json:"format"`
	// Engine is "sqlite" or "postgres".
	Engine string `json:"engine"`
	// Schema is the goose migration version of the database saved.
	Schema int64 `json:"schema_version"`
	// VMC is the version of vmc that made the backup.
	VMC     string    `json:"vmc_version"`
	Created time.Time `json:"created"`
	// File is the database copy's name in the directory, Bytes its size
	// and SHA256 its hex digest.
	File   string `json:"file"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	// Tables counts the rows of every table (the migration bookkeeping
	// table aside).
	Tables map[string]int64 `json:"tables"`
	// Audit is the audit log's length and the hash of its last entry.
	Audit AuditHead `json:"audit"`
}

// AuditHead is how far the audit chain reached.
type AuditHead struct {
	Entries int64  `json:"entries"`
	Head    string `json:"head,omitempty"`
}

// ErrInvalid marks a backup directory that is not a usable backup: no
// manifest, a foreign format, a copy whose digest does not match.
var ErrInvalid = errors.New("invalid backup")

// ErrNotEmpty marks a restore target that already holds data.
var ErrNotEmpty = errors.New("the target database is not empty")

// ErrMismatch marks a restored database that differs from its manifest.
var ErrMismatch = errors.New("restored database differs from the backup's manifest")

func writeManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	// Written last and by rename: a directory with a manifest is a
	// complete backup.
	tmp := filepath.Join(dir, ManifestName+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return os.Rename(tmp, filepath.Join(dir, ManifestName))
}

// ReadManifest reads dir's manifest and checks the copy it names against
// its size and digest.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	path := filepath.Join(dir, ManifestName)
	b, err := os.ReadFile(path)
	if err != nil {
		return m, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%w: %s: %w", ErrInvalid, path, err)
	}
	switch {
	case m.Format != Format:
		return m, fmt.Errorf("%w: %s: format %d, this vmc reads %d", ErrInvalid, path, m.Format, Format)
	case m.Engine != "sqlite" && m.Engine != "postgres":
		return m, fmt.Errorf("%w: %s: engine %q", ErrInvalid, path, m.Engine)
	case m.File == "" || m.File != filepath.Base(m.File) || strings.HasPrefix(m.File, "."):
		// The name comes from a file anyone may have edited: it must not
		// lead out of the directory.
		return m, fmt.Errorf("%w: %s: file %q", ErrInvalid, path, m.File)
	}
	n, sum, err := digest(filepath.Join(dir, m.File))
	if err != nil {
		return m, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if n != m.Bytes || sum != m.SHA256 {
		return m, fmt.Errorf("%w: %s: %d bytes, SHA-256 %s; the manifest says %d bytes, %s", ErrInvalid, m.File, n, sum, m.Bytes, m.SHA256)
	}
	return m, nil
}

func digest(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("read %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// compare lists how got differs from what the manifest recorded; tables
// the manifest does not name (added by a migration since) are not
// compared.
func (m Manifest) compare(tables map[string]int64, audit AuditHead) error {
	var diffs []string
	for _, t := range slices.Sorted(maps.Keys(m.Tables)) {
		got, ok := tables[t]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("table %s missing", t))
		case got != m.Tables[t]:
			diffs = append(diffs, fmt.Sprintf("table %s: %d rows, want %d", t, got, m.Tables[t]))
		}
	}
	if audit != m.Audit {
		diffs = append(diffs, fmt.Sprintf("audit log: %d entries, head %q; want %d, %q", audit.Entries, audit.Head, m.Audit.Entries, m.Audit.Head))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: %s", ErrMismatch, strings.Join(diffs, "; "))
	}
	return nil
}
