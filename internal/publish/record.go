package publish

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// OfRecord is the document vmc writes about a vulnerability record it
// holds — a merged vulnerability (advisory.Vulnerability.Record), own or
// imported — issued by pub under the TLP label tlp, at the full level:
// everything the record says is already the sources', so nothing is held
// back by level (what may leave at all is incident.Release's question).
//
// Its id is the record's, its title the record's English title (else
// the first, else the start of the summary), its language that of the
// summary it leads with. Its revisions: one at the record's publication
// and, when it changed since, one at its last change: the later of the
// record's own modification date and changed, when vmc last changed what
// it holds (a source's record came or changed: store.VulnStamp.Changed),
// so that a document whose content changed has a newer date. A record
// that gives no dates is dated changed.
func OfRecord(r advisory.Record, pub Publisher, tlp string, changed time.Time) Document {
	d := Document{ID: r.ID, Lang: "en", Publisher: pub, Status: Final, TLP: tlp, Level: Full, Vuln: r}
	if t, ok := pick(r.Descriptions); ok && t.Lang != "" {
		d.Lang = t.Lang
	}
	if t, ok := pick(r.Titles); ok {
		d.Title = t.Value
	} else if t, ok := pick(r.Descriptions); ok {
		// The summary's first line, cut at a word within CVE's title
		// limit (256 characters), the narrowest of the formats'.
		d.Title, _, _ = strings.Cut(strings.TrimSpace(t.Value), "\n")
		if len(d.Title) > 200 {
			d.Title = clip(d.Title, 200)
			if i := strings.LastIndexByte(d.Title, ' '); i > 100 {
				d.Title = d.Title[:i]
			}
			d.Title += " …"
		}
	}
	d.Title = clip(strings.TrimSpace(d.Title), 500)
	if d.Title == "" {
		d.Title = r.ID
	}
	first, last := r.Published, r.Modified
	if changed.After(last) {
		last = changed
	}
	switch {
	case first.IsZero() && !r.Modified.IsZero():
		first = r.Modified
	case first.IsZero():
		first = last
	}
	if last.Before(first) {
		last = first
	}
	d.Revisions = []Revision{{Number: 1, Date: first.UTC(), Summary: "Published by its source"}}
	if last.After(first) {
		d.Revisions = append(d.Revisions, Revision{Number: 2, Date: last.UTC(), Summary: "Last changed"})
	}
	return d
}

// pick returns the English text of ts, else the first.
func pick(ts []advisory.Text) (advisory.Text, bool) {
	for _, t := range ts {
		if strings.HasPrefix(strings.ToLower(t.Lang), "en") && strings.TrimSpace(t.Value) != "" {
			return t, true
		}
	}
	for _, t := range ts {
		if strings.TrimSpace(t.Value) != "" {
			return t, true
		}
	}
	return advisory.Text{}, false
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
