package advisory

import (
	"encoding/json"
	"slices"
	"time"
)

// Summary is the short form of a vulnerability that lists show and filter
// on. The store keeps it beside the claims so a list needs no merging.
type Summary struct {
	ID        string    `json:"id"`
	Aliases   []string  `json:"aliases,omitempty"`
	Titles    []Text    `json:"titles,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Modified  time.Time `json:"modified,omitzero"`
	// Score is the highest CVSS base score among the chosen severities;
	// Rating is that severity's qualitative rating, or a source's own
	// rating when no CVSS score exists.
	Score     float64  `json:"score,omitempty"`
	Rating    string   `json:"rating,omitempty"`
	KEV       bool     `json:"kev,omitempty"`
	EPSS      float64  `json:"epss,omitempty"`
	Sources   []string `json:"sources"`
	Withdrawn bool     `json:"withdrawn,omitempty"`
	Rejected  bool     `json:"rejected,omitempty"`
}

// Summary derives the summary from the merged view. Titles fall back to
// descriptions: CNVD and KEV have titles, but most CVE records only a
// description, and a list needs a line of text for every row.
func (v *Vulnerability) Summary() Summary {
	s := Summary{ID: v.ID, Aliases: v.Aliases}
	for _, src := range v.Sources {
		if !slices.Contains(s.Sources, src.Source) {
			s.Sources = append(s.Sources, src.Source)
		}
	}
	var titled []string
	for _, fv := range v.Fields {
		chosen := fv.Chosen().Value
		switch fv.Field {
		case FieldTitle:
			var t string
			if json.Unmarshal(chosen, &t) == nil {
				s.Titles = append(s.Titles, Text{Lang: fv.Key, Value: t})
				titled = append(titled, fv.Key)
			}
		case FieldDescription:
			var t string
			// Decoded only when no title stands for it: descriptions
			// are long, and most records have a title.
			if !slices.Contains(titled, fv.Key) && json.Unmarshal(chosen, &t) == nil {
				s.Titles = append(s.Titles, Text{Lang: fv.Key, Value: firstLine(t, 200)})
			}
		case FieldPublished:
			_ = json.Unmarshal(chosen, &s.Published)
		case FieldModified:
			_ = json.Unmarshal(chosen, &s.Modified)
		case FieldWithdrawn:
			s.Withdrawn = true
		case FieldState:
			var st State
			if json.Unmarshal(chosen, &st) == nil {
				s.Rejected = st == StateRejected
				s.Withdrawn = s.Withdrawn || st == StateWithdrawn
			}
		case FieldSeverity:
			var sev Severity
			if json.Unmarshal(chosen, &sev) != nil {
				continue
			}
			if sev.Type.IsCVSS() && sev.Score > s.Score {
				s.Score, s.Rating = sev.Score, sev.Rating
			} else if s.Score == 0 && s.Rating == "" {
				s.Rating = sev.Rating
			}
		case FieldKEV:
			s.KEV = true
		case FieldEPSS:
			var e EPSS
			if json.Unmarshal(chosen, &e) == nil {
				s.EPSS = e.Score
			}
		}
	}
	return s
}

// firstLine cuts s at its first line break or at max runes, whichever is
// first.
func firstLine(s string, max int) string {
	for i, r := range []rune(s) {
		if r == '\n' || i == max {
			return string([]rune(s)[:i])
		}
	}
	return s
}
