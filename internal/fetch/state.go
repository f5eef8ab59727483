package fetch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// StateFile is the name of the state file in each cache directory.
const StateFile = "state.json"

// State is what a source remembers between syncs, in its cache
// directory's state.json.
type State struct {
	// Validators holds, per URL, the validators of the copy last
	// imported.
	Validators map[string]Validators `json:"validators,omitempty"`
	// Assets holds, per role ("baseline", "delta"), the name of the
	// cvelistV5 release asset last imported. Asset URLs change with every
	// hourly release while the baseline in them changes once a day, so
	// the name, not the URL, says whether it is new.
	Assets map[string]string `json:"assets,omitempty"`
	// Watermark is the time up to which NVD changes have been imported;
	// the next sync asks for changes since then.
	Watermark time.Time `json:"watermark,omitzero"`
	// Resume is where an interrupted first walk through all of NVD stopped.
	Resume *Resume `json:"resume,omitempty"`
}

// Resume is the progress of a walk through every NVD CVE.
type Resume struct {
	// Started is NVD's time on the walk's first page, which becomes the
	// watermark when the walk completes.
	Started time.Time `json:"started"`
	// Index is the startIndex of the next page.
	Index int `json:"index"`
}

// LoadState reads dir's state file; a missing file is an empty state.
func LoadState(dir string) (*State, error) {
	path := filepath.Join(dir, StateFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &State{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		// The file is only ever replaced whole, so this is not a torn
		// write; say which file, so that it can be inspected or removed.
		return nil, fmt.Errorf("state %s: %w (remove it to start afresh)", path, err)
	}
	return &st, nil
}

// SaveState replaces dir's state file with st, by rename.
func SaveState(dir string, st *State) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	b = append(b, '\n')
	path := filepath.Join(dir, StateFile)
	if _, err := writeFile(path, func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(b))
		return err
	}, nil); err != nil {
		return fmt.Errorf("state %s: %w", path, err)
	}
	return nil
}
