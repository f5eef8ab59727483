package trust

import (
	"slices"
	"time"
)

// Deviation is a file measured otherwise than the manifest expects.
type Deviation struct {
	Kind      DeviationKind `json:"kind"`
	Path      string        `json:"path"`
	Algorithm Algorithm     `json:"algorithm"`
	Measured  string        `json:"measured"`
	// Expected are the manifest's digests for the path in the measured
	// algorithm; none for an unknown file.
	Expected []string `json:"expected,omitempty"`
	// Line is the measurement's line in the list.
	Line int `json:"line"`
}

// DeviationKind is why a measurement deviates.
type DeviationKind string

const (
	// Unknown: the manifest does not name the file.
	Unknown DeviationKind = "unknown-binary"
	// Changed: the manifest names the file with other digests.
	Changed DeviationKind = "changed-binary"
)

// Comparison is a measurement list compared with a manifest.
type Comparison struct {
	// Checked counts the distinct (path, digest) file measurements
	// compared, Matched those the manifest expects.
	Checked int `json:"checked"`
	Matched int `json:"matched"`
	// Incomparable counts measurements of files the manifest names only
	// in other algorithms: neither a match nor a deviation.
	Incomparable int         `json:"incomparable"`
	Violations   int         `json:"violations"`
	Deviations   []Deviation `json:"deviations,omitempty"`
	// Tampered are the list's lines whose template hash does not hold.
	Tampered []int `json:"tampered,omitempty"`
}

// Verify compares a measurement list with a manifest. A file measured
// several times with one digest counts once; each digest the manifest
// does not expect is a deviation, in list order.
func Verify(l List, m Manifest) Comparison {
	res := Comparison{Tampered: l.Tampered}
	seen := map[[2]string]bool{}
	for _, e := range l.Entries {
		if e.Violation() {
			res.Violations++
			continue
		}
		if !e.IsFile() {
			continue
		}
		k := [2]string{e.Path, string(e.Algorithm) + ":" + e.Digest}
		if seen[k] {
			continue
		}
		seen[k] = true
		res.Checked++
		exp, named := m.Files[e.Path]
		if !named {
			res.Deviations = append(res.Deviations, Deviation{Kind: Unknown, Path: e.Path, Algorithm: e.Algorithm, Measured: e.Digest, Line: e.Line})
			continue
		}
		var same []string
		for _, x := range exp {
			if x.Algorithm == e.Algorithm || (x.Algorithm == "" && len(x.Digest) == len(e.Digest)) {
				same = append(same, x.Digest)
			}
		}
		switch {
		case len(same) == 0:
			res.Incomparable++
		case slices.Contains(same, e.Digest):
			res.Matched++
		default:
			res.Deviations = append(res.Deviations, Deviation{Kind: Changed, Path: e.Path, Algorithm: e.Algorithm, Measured: e.Digest, Expected: same, Line: e.Line})
		}
	}
	return res
}

// Verification is one comparison of a host's measurement list with a
// manifest, as recorded.
type Verification struct {
	ID      int64     `json:"id"`
	AssetID int64     `json:"asset_id"`
	Asset   string    `json:"asset"`
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	// List and Manifest name the files compared.
	List     string     `json:"list"`
	Manifest string     `json:"manifest"`
	Result   Comparison `json:"result"`
	// Opened and Resolved count the integrity findings the comparison
	// opened and those it resolved (re-measured as the manifest expects).
	Opened   int `json:"opened"`
	Resolved int `json:"resolved"`
}

// MaxRecordedDeviations bounds the deviations a verification keeps; the
// findings hold every one.
const MaxRecordedDeviations = 1000
