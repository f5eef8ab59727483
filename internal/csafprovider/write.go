package csafprovider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteDir writes t under dir: each file at its path, each folder's
// listing as its index.html. It writes beside dir and renames, so that
// a web server serving dir never sees half a tree; the previous tree is
// removed after.
func WriteDir(t *Tree, dir string) error {
	dir = filepath.Clean(dir)
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".new-")
	if err != nil {
		return fmt.Errorf("write provider: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for p, f := range t.Files {
		name := p
		if strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		full := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("write provider: %w", err)
		}
		if err := os.WriteFile(full, f.Body, 0o644); err != nil {
			return fmt.Errorf("write provider: %w", err)
		}
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("write provider: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return fmt.Errorf("write provider: %w", err)
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
