package kev

import (
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
)

// Diff compares two catalogues, as the records Parse yields for them, by
// CVE id. added are ids only in new, removed are ids only in old, and
// changed are ids in both whose content differs: any KEV field, title,
// description or CWE. The catalogue version is not content, since every
// release changes it for every entry.
//
// Ids keep the order of the catalogue they come from (added and changed in
// new's order, removed in old's), which for CISA's files is newest first. An
// id listed twice counts once, as its first entry says. Neither input is
// modified.
func Diff(old, new []advisory.Record) (added, changed, removed []string) {
	before := make(map[string]string, len(old))
	for i := range old {
		if _, dup := before[old[i].ID]; !dup {
			before[old[i].ID] = contentHash(old[i])
		}
	}
	seen := make(map[string]bool, len(new))
	for i := range new {
		id := new[i].ID
		if seen[id] {
			continue
		}
		seen[id] = true
		h, ok := before[id]
		switch {
		case !ok:
			added = append(added, id)
		case h != contentHash(new[i]):
			changed = append(changed, id)
		}
	}
	for i := range old {
		id := old[i].ID
		if !seen[id] {
			seen[id] = true // report a repeated id once
			removed = append(removed, id)
		}
	}
	return added, changed, removed
}

// contentHash digests a record without its catalogue version and the
// Modified time taken from it. r is a copy, and so is the KEV it points
// to, so the caller's record is left alone.
func contentHash(r advisory.Record) string {
	r.Modified = time.Time{}
	if r.KEV != nil {
		k := *r.KEV
		k.Catalog = ""
		r.KEV = &k
	}
	return r.Hash()
}
