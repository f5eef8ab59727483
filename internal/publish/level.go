package publish

import (
	"fmt"
	"slices"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// Level is how much technical detail a document publishes; doc.go has
// the table of what each level writes.
type Level string

const (
	Minimal  Level = "minimal"
	Standard Level = "standard"
	Full     Level = "full"
)

// Levels lists the levels from the least detail to the most.
var Levels = []Level{Minimal, Standard, Full}

func (l Level) String() string { return string(l) }

// IsValid reports whether l is a known level.
func (l Level) IsValid() bool { return slices.Contains(Levels, l) }

// UnmarshalText rejects unknown levels.
func (l *Level) UnmarshalText(b []byte) error {
	if !Level(b).IsValid() {
		return fmt.Errorf("unknown detail level %q (minimal, standard, full)", b)
	}
	*l = Level(b)
	return nil
}

// reaches reports whether a document at level l publishes what needs
// level min. An unknown level publishes only what every level does.
func (l Level) reaches(min Level) bool {
	if !l.IsValid() {
		l = Minimal
	}
	return slices.Index(Levels, l) >= slices.Index(Levels, min)
}

// refLevel is the level from which a reference type is published; a
// type not listed (and an empty one) is published from Standard, since
// an untyped link may point anywhere.
var refLevel = map[string]Level{
	"ADVISORY": Minimal, "ARTICLE": Minimal, "PACKAGE": Minimal, "WEB": Minimal,
	"REPORT": Standard, "FIX": Standard, "INTRODUCED": Standard, "GIT": Standard,
	"DISCUSSION": Standard, "DETECTION": Standard,
	"EVIDENCE": Full,
}

// RefLevel is the level from which references of OSV type t are
// published.
func RefLevel(t string) Level {
	if l, ok := refLevel[t]; ok {
		return l
	}
	return Standard
}

// noteLevel is the level from which a note category is published.
func noteLevel(category string) Level {
	switch category {
	case NoteDetails:
		return Standard
	case NoteExploit:
		return Full
	}
	return Minimal
}

// Redact returns d as its level publishes it: what the level leaves out
// (doc.go) is gone from the copy. d is not changed. Every writer writes
// Redact's result, never d itself.
func (d Document) Redact() Document {
	l := d.Level
	v := d.Vuln
	v.Notes = keep(v.Notes, func(n advisory.Note) bool { return l.reaches(noteLevel(n.Category)) })
	v.References = keep(v.References, func(r advisory.Reference) bool { return l.reaches(RefLevel(r.Type)) })
	if !l.reaches(Standard) {
		v.CWEs = nil
	}
	v.Affected = slices.Clone(v.Affected)
	for i, a := range v.Affected {
		v.Affected[i].Ranges = keep(a.Ranges, func(r advisory.Range) bool { return r.Type != advisory.RangeGit || l.reaches(Standard) })
	}
	// Exploitation facts from other sources (KEV, EPSS, SSVC) and NVD's
	// configurations are not the publisher's to republish.
	v.KEV, v.EPSS, v.SSVC, v.Configurations = nil, nil, nil, nil
	d.Vuln = v
	return d
}

// keep returns the items of s that ok accepts, in a new slice; nil when
// none is.
func keep[T any](s []T, ok func(T) bool) []T {
	var out []T
	for _, x := range s {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}
