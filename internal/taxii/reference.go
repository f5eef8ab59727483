package taxii

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/stix"
)

// MaxReference bounds a reference data file: the OASIS one is 14 kB.
const MaxReference = 64 << 20

// RootData is one API root of a reference data file with its
// collections.
type RootData struct {
	Root        APIRoot
	Collections []CollectionData
}

// CollectionData is a collection with its objects, each with the date it
// was added (DateAdded[i] is Objects[i]'s).
type CollectionData struct {
	Collection Collection
	Objects    []stix.Object
	DateAdded  []time.Time
}

// ReadReference reads the data file of the OASIS reference TAXII server
// (medallion's default_data.json): API roots keyed by name beside
// "/discovery", each with "information" and "collections", each
// collection with its "objects" and a "manifest" giving every version's
// date_added and media type. The reference server's can_read and
// can_write become grants to every signed-in user. Roots come out in
// name order.
func ReadReference(name string, r io.Reader) ([]RootData, error) {
	var doc map[string]json.RawMessage
	if err := json.NewDecoder(io.LimitReader(r, MaxReference)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrInvalid, err)
	}
	var out []RootData
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range doc {
			if !yield(k) {
				return
			}
		}
	}) {
		if strings.HasPrefix(key, "/") {
			continue // "/discovery": vmc writes its own
		}
		var raw struct {
			Information struct {
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"information"`
			Collections []struct {
				ID          string            `json:"id"`
				Title       string            `json:"title"`
				Description string            `json:"description"`
				Alias       string            `json:"alias"`
				CanRead     bool              `json:"can_read"`
				CanWrite    bool              `json:"can_write"`
				MediaTypes  []string          `json:"media_types"`
				Objects     []json.RawMessage `json:"objects"`
				Manifest    []manifestEntry   `json:"manifest"`
			} `json:"collections"`
		}
		if err := json.Unmarshal(doc[key], &raw); err != nil {
			return nil, fmt.Errorf("%s: %s: %w: %w", name, key, ErrInvalid, err)
		}
		rd := RootData{Root: APIRoot{Name: key, Title: raw.Information.Title, Description: raw.Information.Description}}
		if err := rd.Root.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for i, rc := range raw.Collections {
			where := fmt.Sprintf("%s: %s.collections[%d]", name, key, i)
			cd := CollectionData{Collection: Collection{ID: rc.ID, APIRoot: key, Title: rc.Title, Description: rc.Description, Alias: rc.Alias,
				MediaTypes: rc.MediaTypes}}
			if rc.CanRead {
				cd.Collection.Read = []string{"signed-in"}
			}
			if rc.CanWrite {
				cd.Collection.Write = []string{"signed-in"}
			}
			if err := cd.Collection.Validate(); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			for j, b := range rc.Objects {
				o, err := stix.Parse(b)
				if err != nil {
					return nil, fmt.Errorf("%s.objects[%d]: %w", where, j, err)
				}
				m := slices.IndexFunc(rc.Manifest, func(m manifestEntry) bool {
					return m.ID == o.ID && sameTime(m.Version, o.Version())
				})
				if m < 0 {
					return nil, fmt.Errorf("%s.objects[%d]: %s version %q: not in the manifest", where, j, o.ID, o.Version())
				}
				at, err := stix.ParseTime(rc.Manifest[m].DateAdded)
				if err != nil {
					return nil, fmt.Errorf("%s.manifest[%d].date_added: %w", where, m, err)
				}
				if _, v, ok := strings.Cut(rc.Manifest[m].MediaType, "version="); ok {
					o.SpecVersion = v
				}
				cd.Objects = append(cd.Objects, o)
				cd.DateAdded = append(cd.DateAdded, at)
			}
			rd.Collections = append(rd.Collections, cd)
		}
		out = append(out, rd)
	}
	return out, nil
}

// manifestEntry is one version's line of a reference collection's
// manifest.
type manifestEntry struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type"`
}

// sameTime reports whether two STIX timestamps name one instant.
func sameTime(a, b string) bool {
	ta, err1 := stix.ParseTime(a)
	tb, err2 := stix.ParseTime(b)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}
