package osv

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record source name of every record this package
// produces.
const Source = "osv"

// ToRecord maps an OSV entry to vmc's record. It rejects, with a
// *feed.RecordError naming the field, what the OSV schema makes invalid and
// vmc cannot store: a missing or malformed id, alias or timestamp, a range
// without events or without an introduced event, an event that sets no
// version or more than one, a GIT range without a repo. Values the schema
// does not know but that do not make the rest unusable (an unknown range or
// reference type, a free-form database_specific) do not reject the record;
// doc.go says what happens to each.
//
// The error's Record is the entry's id, or empty when the id itself is the
// problem; Parse then names the record by its position.
func ToRecord(e Entry) (advisory.Record, error) {
	name := ""
	if advisory.ValidID(e.ID) {
		name = e.ID
	}
	fail := func(field, format string, args ...any) (advisory.Record, error) {
		return advisory.Record{}, feed.Errorf(name, field, format, args...)
	}

	switch {
	case e.ID == "":
		return fail("id", "missing")
	case name == "":
		return fail("id", "malformed %.80q", e.ID)
	}
	// The OSV schema's minor versions only add fields, so any 1.x reads;
	// a new major version may change what existing fields mean.
	// https://ossf.github.io/osv-schema/#schema_version-field
	if v := e.SchemaVersion; v != "" && !strings.HasPrefix(v, "1.") {
		return fail("schema_version", "unsupported %.40q (vmc reads 1.x)", v)
	}
	rec := advisory.Record{Source: Source, ID: e.ID}

	var err error
	if e.Modified == "" {
		return fail("modified", "missing")
	}
	if rec.Modified, err = parseTime(e.Modified); err != nil {
		return fail("modified", "%v", err)
	}
	if e.Published != "" {
		if rec.Published, err = parseTime(e.Published); err != nil {
			return fail("published", "%v", err)
		}
	}
	if e.Withdrawn != "" {
		if rec.Withdrawn, err = parseTime(e.Withdrawn); err != nil {
			return fail("withdrawn", "%v", err)
		}
		rec.State = advisory.StateWithdrawn
	}

	for i, a := range e.Aliases {
		if !advisory.ValidID(a) {
			return fail(fmt.Sprintf("aliases[%d]", i), "malformed id %.80q", a)
		}
		rec.Aliases = append(rec.Aliases, a)
	}
	// Related and upstream ids are links that never merge records, so both
	// become Related. RustSec writes pull-request URLs into "related"; a
	// URL is kept as a reference rather than lost or allowed to fail the
	// record.
	for _, list := range []struct {
		field string
		ids   []string
	}{{"related", e.Related}, {"upstream", e.Upstream}} {
		for i, id := range list.ids {
			switch {
			case advisory.ValidID(id):
				if !slices.Contains(rec.Related, id) {
					rec.Related = append(rec.Related, id)
				}
			case isWebURL(id):
				rec.References = append(rec.References, advisory.Reference{Type: "WEB", URL: id})
			default:
				return fail(fmt.Sprintf("%s[%d]", list.field, i), "malformed id %.80q", id)
			}
		}
	}

	if e.Summary != "" {
		rec.Titles = []advisory.Text{{Lang: "en", Value: e.Summary}}
	}
	if e.Details != "" {
		rec.Descriptions = []advisory.Text{{Lang: "en", Value: e.Details}}
	}

	for i, s := range e.Severity {
		sev, field, err := severity(s)
		if err != nil {
			return fail(fmt.Sprintf("severity[%d]%s", i, field), "%v", err)
		}
		rec.Severities = appendSeverity(rec.Severities, sev)
	}

	for i, a := range e.Affected {
		path := fmt.Sprintf("affected[%d]", i)
		var aff advisory.Affected
		if len(a.Versions) > 0 { // an empty list says no more than an absent one
			aff.Versions = slices.Clone(a.Versions)
		}
		if p := a.Package; p != nil {
			switch {
			case p.Ecosystem == "":
				return fail(path+".package.ecosystem", "missing")
			case p.Name == "":
				return fail(path+".package.name", "missing")
			}
			aff.Ecosystem, aff.Package, aff.PURL = p.Ecosystem, p.Name, p.PURL
		}
		for j, s := range a.Severity {
			sev, field, err := severity(s)
			if err != nil {
				return fail(fmt.Sprintf("%s.severity[%d]%s", path, j, field), "%v", err)
			}
			rec.Severities = appendSeverity(rec.Severities, sev)
		}
		for j, r := range a.Ranges {
			rpath := fmt.Sprintf("%s.ranges[%d]", path, j)
			rng, field, err := toRange(r)
			if err != nil {
				return fail(rpath+field, "%v", err)
			}
			if rng.Type == "" {
				// A range type from a later schema: its events cannot be
				// ordered without knowing the scheme, so the range is
				// dropped and the rest of the record kept.
				continue
			}
			aff.Ranges = append(aff.Ranges, rng)
		}
		rec.Affected = append(rec.Affected, aff)
	}

	for i, r := range e.References {
		if r.URL == "" {
			return fail(fmt.Sprintf("references[%d].url", i), "missing")
		}
		typ := r.Type
		if typ == "" {
			typ = "WEB"
		}
		rec.References = append(rec.References, advisory.Reference{Type: typ, URL: r.URL})
	}

	for i, c := range e.Credits {
		if c.Name == "" {
			return fail(fmt.Sprintf("credits[%d].name", i), "missing")
		}
		credit := advisory.Credit{Name: c.Name, Type: c.Type}
		if len(c.Contact) > 0 {
			credit.Contact = slices.Clone(c.Contact)
		}
		rec.Credits = append(rec.Credits, credit)
	}

	ds := databaseSpecific(e.DatabaseSpecific)
	for _, id := range ds.cwes {
		if !slices.ContainsFunc(rec.CWEs, func(c advisory.CWE) bool { return c.ID == id }) {
			rec.CWEs = append(rec.CWEs, advisory.CWE{ID: id})
		}
	}
	if ds.severity != "" {
		// GitHub's own OSV export rates every advisory LOW, MODERATE, HIGH
		// or CRITICAL here, which is the GHSA scale. Other databases
		// (Bitnami) use the same key for their own scale, which is kept
		// under the id's database prefix so the two never mix.
		sev := advisory.Severity{Type: advisory.RatingGHSA, Rating: ds.severity}
		if advisory.Kind(e.ID) != "GHSA" {
			sev = advisory.Severity{Type: advisory.RatingOther, Rating: ds.severity, Provider: advisory.Kind(e.ID)}
		}
		rec.Severities = appendSeverity(rec.Severities, sev)
	}
	return rec, nil
}

// parseTime reads an OSV timestamp. The schema asks for RFC 3339 in UTC
// with a Z; fractional seconds (Bitnami, PyPA) and numeric offsets are
// accepted too, and every time is stored in UTC.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an RFC 3339 time: %.80q", s)
	}
	return t.UTC(), nil
}

// vectorPrefixes are the vector prefixes the schema allows per CVSS type;
// CVSS v2 vectors have none.
var vectorPrefixes = map[string][]string{
	"CVSS_V3": {"CVSS:3.0/", "CVSS:3.1/"},
	"CVSS_V4": {"CVSS:4.0/"},
}

// severity maps one OSV score. The returned field suffix (".type" or
// ".score") says which part was wrong.
func severity(s Severity) (advisory.Severity, string, error) {
	var typ advisory.SeverityType
	switch s.Type {
	case "":
		return advisory.Severity{}, ".type", fmt.Errorf("missing")
	case "CVSS_V2":
		typ = advisory.CVSSv2
	case "CVSS_V3":
		// OSV has one type for CVSS 3.0 and 3.1; the vector says which.
		// A bare number cannot say, and is filed as 3.1, the version
		// every current producer writes.
		typ = advisory.CVSSv31
		if strings.HasPrefix(s.Score, "CVSS:3.0/") {
			typ = advisory.CVSSv30
		}
	case "CVSS_V4":
		typ = advisory.CVSSv40
	default:
		// "Ubuntu" and any later qualitative scale: the scale's name
		// becomes the provider so that two scales never share a key.
		if s.Score == "" {
			return advisory.Severity{}, ".score", fmt.Errorf("missing")
		}
		return advisory.Severity{Type: advisory.RatingOther, Rating: s.Score, Provider: s.Type}, "", nil
	}
	if s.Score == "" {
		return advisory.Severity{}, ".score", fmt.Errorf("missing")
	}
	// The schema wants a vector, but a bare base score is still a score.
	if f, err := strconv.ParseFloat(s.Score, 64); err == nil {
		if !(f >= 0 && f <= 10) { // also rejects NaN, which JSON cannot carry
			return advisory.Severity{}, ".score", fmt.Errorf("base score %.80q outside 0 to 10", s.Score)
		}
		return advisory.Severity{Type: typ, Score: f}, "", nil
	}
	if want := vectorPrefixes[s.Type]; len(want) > 0 && !slices.ContainsFunc(want, func(p string) bool { return strings.HasPrefix(s.Score, p) }) {
		return advisory.Severity{}, ".score", fmt.Errorf("%.80q is not a vector starting %s", s.Score, strings.Join(want, " or "))
	}
	return advisory.Severity{Type: typ, Vector: s.Score}, "", nil
}

// appendSeverity adds s unless an equal score is already there: Bitnami
// repeats one vector on every affected package.
func appendSeverity(list []advisory.Severity, s advisory.Severity) []advisory.Severity {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// toRange checks one range against the schema's rules and maps it. A range
// of a type vmc does not know comes back with an empty Type.
func toRange(r Range) (advisory.Range, string, error) {
	typ := advisory.RangeType(r.Type)
	switch {
	case r.Type == "":
		return advisory.Range{}, ".type", fmt.Errorf("missing")
	case typ == advisory.RangeGit && r.Repo == "":
		return advisory.Range{}, ".repo", fmt.Errorf("missing for a GIT range")
	case len(r.Events) == 0:
		return advisory.Range{}, ".events", fmt.Errorf("empty")
	}
	out := advisory.Range{Type: typ, Repo: r.Repo, Events: make([]advisory.Event, 0, len(r.Events))}
	var introduced, fixed, lastAffected bool
	for k, ev := range r.Events {
		var set []string
		for _, f := range []struct {
			key, v string
		}{{"introduced", ev.Introduced}, {"fixed", ev.Fixed}, {"last_affected", ev.LastAffected}, {"limit", ev.Limit}} {
			if f.v != "" {
				set = append(set, f.key)
			}
		}
		switch len(set) {
		case 0:
			return advisory.Range{}, fmt.Sprintf(".events[%d]", k), fmt.Errorf("no introduced, fixed, last_affected or limit version")
		case 1:
		default:
			return advisory.Range{}, fmt.Sprintf(".events[%d]", k), fmt.Errorf("sets %s; an event sets exactly one", strings.Join(set, " and "))
		}
		introduced = introduced || ev.Introduced != ""
		fixed = fixed || ev.Fixed != ""
		lastAffected = lastAffected || ev.LastAffected != ""
		out.Events = append(out.Events, advisory.Event(ev))
	}
	switch {
	case !introduced:
		// Without an introduced event nothing is affected; importing the
		// range would silently say "not affected".
		return advisory.Range{}, ".events", fmt.Errorf("no introduced event")
	case fixed && lastAffected:
		return advisory.Range{}, ".events", fmt.Errorf("both fixed and last_affected events; the schema allows one kind")
	}
	if !typ.IsValid() {
		return advisory.Range{}, "", nil
	}
	return out, "", nil
}

// dbSpecific is what vmc reads from a record's database_specific object.
type dbSpecific struct {
	severity string
	cwes     []string
}

// databaseSpecific reads the GHSA-style "severity" and "cwe_ids" keys.
// database_specific is free-form by definition, so a shape vmc does not
// expect is ignored rather than held against the record.
func databaseSpecific(raw json.RawMessage) dbSpecific {
	var out dbSpecific
	var keys map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &keys) != nil {
		return out
	}
	json.Unmarshal(keys["severity"], &out.severity)
	var cwes []any
	json.Unmarshal(keys["cwe_ids"], &cwes)
	for _, c := range cwes {
		if s, ok := c.(string); ok && s != "" {
			out.cwes = append(out.cwes, s)
		}
	}
	return out
}

// isWebURL reports whether s is an absolute http or https URL.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
