package euvd

import (
	"iter"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// idPattern is the EUVD id: the year and at least four digits. The bound
// on digits keeps ids within advisory.ValidID's length.
var idPattern = regexp.MustCompile(`^EUVD-[0-9]{4}-[0-9]{4,19}$`)

// dateLayout is how the API writes every date: the US-locale medium format
// of its Java serialiser, in UTC ("Oct 8, 2024, 5:35:48 PM" is CVE-2024-43468's
// cveMetadata.datePublished 2024-10-08T17:35:48Z, without the milliseconds).
const dateLayout = "Jan 2, 2006, 3:04:05 PM"

// spaces undoes a change in Java's locale data: from JDK 20 (CLDR 42) the
// US format puts a narrow no-break space before AM/PM, and some builds a
// no-break space; a server upgrade must not make every date unreadable.
var spaces = strings.NewReplacer("\u202f", " ", "\u00a0", " ")

// parseDate reads a date in dateLayout as UTC.
func parseDate(s string) (time.Time, error) {
	return time.Parse(dateLayout, spaces.Replace(strings.TrimSpace(s)))
}

// cvssTypes maps baseScoreVersion to the scoring system, with the prefix
// the vector of that version starts with ("" for CVSS 2.0, whose vectors
// have none).
var cvssTypes = map[string]struct {
	typ    advisory.SeverityType
	prefix string
}{
	"2.0": {advisory.CVSSv2, ""},
	"3.0": {advisory.CVSSv30, "CVSS:3.0/"},
	"3.1": {advisory.CVSSv31, "CVSS:3.1/"},
	"4.0": {advisory.CVSSv40, "CVSS:4.0/"},
}

// noScore is how EUVD writes "no base score" (EUVD-2024-45012).
const noScore = -1.0

// exploitedCategory is the advisory.Note category that carries
// exploitedSince; see doc.go for why it is a note.
const exploitedCategory = "exploited"

// label names the entry in errors: its EUVD id when that is well formed,
// else its position.
func (v *vulnerability) label(pos string) string {
	if id := strings.TrimSpace(v.ID); idPattern.MatchString(id) {
		return id
	}
	return pos
}

// record checks the entry and maps it to an advisory record.
func (v *vulnerability) record(pos string) (advisory.Record, error) {
	id := strings.TrimSpace(v.ID)
	if !idPattern.MatchString(id) {
		return advisory.Record{}, feed.Errorf(pos, "id", "malformed EUVD id %q", v.ID)
	}
	rec := advisory.Record{Source: Source, ID: id}
	var err error
	if rec.Published, err = optionalDate(id, "datePublished", v.DatePublished); err != nil {
		return advisory.Record{}, err
	}
	if rec.Modified, err = optionalDate(id, "dateUpdated", v.DateUpdated); err != nil {
		return advisory.Record{}, err
	}
	if d := strings.TrimSpace(v.Description); d != "" {
		rec.Descriptions = []advisory.Text{{Lang: "en", Value: d}}
	}
	aliases := set{id: true}
	for a := range lines(v.Aliases) {
		if !advisory.ValidID(a) {
			return advisory.Record{}, feed.Errorf(id, "aliases", "malformed id %q", a)
		}
		if aliases.add(a) {
			rec.Aliases = append(rec.Aliases, a)
		}
	}
	urls := set{}
	for u := range lines(v.References) {
		if urls.add(u) {
			rec.References = append(rec.References, advisory.Reference{Type: "WEB", URL: u})
		}
	}
	sev, err := v.severity(id)
	if err != nil {
		return advisory.Record{}, err
	}
	if sev != nil {
		rec.Severities = []advisory.Severity{*sev}
	}
	if rec.EPSS, err = v.epss(id, rec.Modified, rec.Published); err != nil {
		return advisory.Record{}, err
	}
	since, err := optionalDate(id, "exploitedSince", v.ExploitedSince)
	if err != nil {
		return advisory.Record{}, err
	}
	if !since.IsZero() {
		rec.Notes = []advisory.Note{{Category: exploitedCategory, Title: "Exploited since", Text: since.Format(time.DateOnly)}}
	}
	rec.Affected = v.affected()
	return rec, nil
}

// set drops repeats in linear time: an entry of 16 MiB can list a million
// aliases or products, and searching a slice for each would take hours.
type set map[string]bool

// add reports whether k is new, and remembers it.
func (s set) add(k string) bool {
	if s[k] {
		return false
	}
	s[k] = true
	return true
}

// optionalDate parses a date field that may be absent, null or empty.
func optionalDate(id, field, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := parseDate(s)
	if err != nil {
		return time.Time{}, feed.Errorf(id, field, "not a date like %q: %q", dateLayout, s)
	}
	return t, nil
}

// lines yields the trimmed, non-empty lines of one of EUVD's
// newline-terminated lists (aliases, references).
func lines(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for l := range strings.Lines(s) {
			if l = strings.TrimSpace(l); l != "" && !yield(l) {
				return
			}
		}
	}
}

// severity maps the base score fields. A record without a usable score
// (no version; score -1.0 and no vector) has none. The vector's prefix must
// agree with the version: a disagreement means one of them is wrong, and
// there is no telling which.
func (v *vulnerability) severity(id string) (*advisory.Severity, error) {
	version := strings.TrimSpace(v.BaseScoreVersion)
	vector := strings.TrimSpace(v.BaseScoreVector)
	var score float64
	if v.BaseScore != nil {
		score = *v.BaseScore
	}
	switch {
	case score == noScore:
		score = 0
	case score < 0 || score > 10:
		return nil, feed.Errorf(id, "baseScore", "%v is outside 0 to 10", score)
	}
	if version == "" {
		// EUVD sends a score without a version only as a placeholder
		// (-1.0, or 0.0 in enisaIdVulnerability); a number with no
		// scoring system cannot be compared with anything.
		if vector != "" {
			return nil, feed.Errorf(id, "baseScoreVersion", "missing for vector %q", vector)
		}
		return nil, nil
	}
	t, ok := cvssTypes[version]
	if !ok {
		return nil, feed.Errorf(id, "baseScoreVersion", "unknown CVSS version %q", version)
	}
	if vector != "" && !hasCVSSPrefix(vector, t.prefix) {
		return nil, feed.Errorf(id, "baseScoreVector", "%q is not a CVSS %s vector", vector, version)
	}
	if vector == "" && score == 0 {
		return nil, nil
	}
	return &advisory.Severity{Type: t.typ, Vector: vector, Score: score}, nil
}

// hasCVSSPrefix reports whether vector is written as its version's vectors
// are: with prefix, or, for CVSS 2.0 (prefix ""), with no "CVSS:" prefix.
func hasCVSSPrefix(vector, prefix string) bool {
	if prefix == "" {
		return !strings.HasPrefix(vector, "CVSS:")
	}
	return strings.HasPrefix(vector, prefix)
}

// epss maps the EPSS percentage. EUVD states no date for it; the day of the
// record's last update (else of its publication) stands in, as the day the
// score was known by. 0.0 is EUVD's value for records not scored yet (a
// real score rounds to 0.00 % only below 0.005 %), so it makes no claim.
func (v *vulnerability) epss(id string, modified, published time.Time) (*advisory.EPSS, error) {
	if v.EPSS == nil || *v.EPSS == 0 {
		return nil, nil
	}
	pct := *v.EPSS
	if pct < 0 || pct > 100 {
		return nil, feed.Errorf(id, "epss", "%v is outside 0 to 100 %%", pct)
	}
	day := modified
	if day.IsZero() {
		day = published
	}
	if day.IsZero() {
		return nil, nil
	}
	// Dividing by 100 leaves binary noise (61.38/100 is
	// 0.6138000000000001); EUVD's two decimals of a percent are four of a
	// probability, and nine keep every digit it can send.
	return &advisory.EPSS{Score: math.Round(pct*1e7) / 1e9, Date: day.Format(time.DateOnly)}, nil
}

// placeholders are the names and versions EUVD, copying CVE records,
// writes for "not stated".
var placeholders = []string{"", "n/a", "-", "*", "unspecified"}

func placeholder(s string) bool {
	return slices.Contains(placeholders, strings.ToLower(s))
}

// affected maps enisaIdProduct and enisaIdVendor: one Affected per vendor
// and product, in the order products first appear.
//
// A product's vendor is its own product.vendor where the API gives it.
// Older responses do not, and enisaIdVendor is not linked to products: there
// the vendor is enisaIdVendor's only vendor, and unknown when it names
// several. A record that names vendors but no product gets one Affected per
// vendor, so the vendor claim is not lost.
//
// product_version is display text (see productEntry). One without white
// space or comparison signs is a version and goes to Versions; anything else
// is a range or a model name, which vmc cannot order, and is kept verbatim
// in Text, one per line.
func (v *vulnerability) affected() []advisory.Affected {
	var vendors []string
	seen := set{}
	for _, e := range v.Vendors {
		if n := strings.TrimSpace(e.Vendor.Name); !placeholder(n) && seen.add(n) {
			vendors = append(vendors, n)
		}
	}
	var fallback string
	if len(vendors) == 1 {
		fallback = vendors[0]
	}
	var out []advisory.Affected
	var texts [][]string // per element of out, the non-version strings
	index := map[[2]string]int{}
	strs := set{} // "i\x00version" for the strings out[i] has
	for _, e := range v.Products {
		product := strings.TrimSpace(e.Product.Name)
		if placeholder(product) {
			continue
		}
		vendor := strings.TrimSpace(e.Product.Vendor.Name)
		if placeholder(vendor) {
			vendor = fallback
		}
		i, ok := index[[2]string{vendor, product}]
		if !ok {
			i = len(out)
			index[[2]string{vendor, product}] = i
			out = append(out, advisory.Affected{Vendor: vendor, Product: product})
			texts = append(texts, nil)
		}
		ver := strings.TrimSpace(e.Version)
		switch {
		case placeholder(ver) || !strs.add(strconv.Itoa(i)+"\x00"+ver):
		case isVersion(ver):
			out[i].Versions = append(out[i].Versions, ver)
		default:
			texts[i] = append(texts[i], ver)
		}
	}
	for i, t := range texts {
		out[i].Text = strings.Join(t, "\n")
	}
	if len(out) == 0 {
		for _, n := range vendors {
			out = append(out, advisory.Affected{Vendor: n})
		}
	}
	return out
}

// isVersion reports whether a product_version is one version rather than a
// range or a description.
func isVersion(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		switch r {
		case '<', '>', '=', '≤', '≥', ',':
			return true
		}
		return unicode.IsSpace(r)
	})
}
