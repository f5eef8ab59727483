package suggest

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
)

var cweNumbered = regexp.MustCompile(`^CWE-[0-9]+$`)

// Labels returns a merged vulnerability's CWE (the first numbered one in
// precedence order) and CVSS v3 base metrics (of the first v3.1 vector,
// else v3.0), each empty when no source gives one.
func Labels(v *advisory.Vulnerability) (string, map[string]string) {
	var cwe string
	if fv, ok := v.Field(advisory.FieldCWEs, ""); ok {
	claims:
		for _, c := range fv.Claims {
			var cs []advisory.CWE
			if json.Unmarshal(c.Value, &cs) != nil {
				continue
			}
			for _, w := range cs {
				if cweNumbered.MatchString(w.ID) {
					cwe = w.ID
					break claims
				}
			}
		}
	}
	var metrics map[string]string
	for _, typ := range []advisory.SeverityType{advisory.CVSSv31, advisory.CVSSv30} {
		for _, fv := range v.Fields {
			if fv.Field != advisory.FieldSeverity || (fv.Key != string(typ) && !strings.HasPrefix(fv.Key, string(typ)+"/")) {
				continue
			}
			var s advisory.Severity
			if json.Unmarshal(fv.Chosen().Value, &s) == nil {
				if m, ok := ParseMetrics(s.Vector); ok {
					return cwe, m
				}
			}
		}
	}
	return cwe, metrics
}

// ParseMetrics reads the base metrics of a CVSS v3.0 or v3.1 vector. It
// reports false unless all eight are present with valid values.
func ParseMetrics(vector string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(vector, "CVSS:3.1/")
	if !ok {
		if rest, ok = strings.CutPrefix(vector, "CVSS:3.0/"); !ok {
			return nil, false
		}
	}
	m := map[string]string{}
	for _, part := range strings.Split(rest, "/") {
		k, val, ok := strings.Cut(part, ":")
		if !ok {
			return nil, false
		}
		vals, base := metricValues[k]
		if !base {
			continue // temporal and environmental metrics
		}
		if _, dup := m[k]; dup || !contains(vals, val) {
			return nil, false
		}
		m[k] = val
	}
	if len(m) != len(metricValues) {
		return nil, false
	}
	return m, true
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Examples returns the labelled descriptions of a merged vulnerability:
// one per language the model knows, when the vulnerability has a
// description in it and a CWE or CVSS v3 label. Chinese descriptions come
// from CNVD and CNNVD entries merged with a CVE, so their labels are the
// CVE's.
func Examples(v *advisory.Vulnerability) []Example {
	if Rejected(v) {
		return nil
	}
	cwe, metrics := Labels(v)
	if cwe == "" && metrics == nil {
		return nil
	}
	var out []Example
	for _, lang := range Langs {
		fv, ok := v.Field(advisory.FieldDescription, lang)
		if !ok {
			continue
		}
		var text string
		if json.Unmarshal(fv.Chosen().Value, &text) != nil || strings.TrimSpace(text) == "" {
			continue
		}
		out = append(out, Example{ID: v.ID, Lang: lang, Text: text, CWE: cwe, Metrics: metrics})
	}
	return out
}

// Text returns the description a suggestion for v is made from: English
// when there is one (its model learns from eight times more examples),
// else Chinese.
func Text(v *advisory.Vulnerability) (advisory.Text, bool) {
	for _, lang := range Langs {
		if fv, ok := v.Field(advisory.FieldDescription, lang); ok {
			var s string
			if json.Unmarshal(fv.Chosen().Value, &s) == nil && strings.TrimSpace(s) != "" {
				return advisory.Text{Lang: lang, Value: s}, true
			}
		}
	}
	return advisory.Text{}, false
}

// Rejected reports whether v no longer names a vulnerability: a CVE
// record in state REJECTED, a withdrawn record, or NVD's "** REJECT **"
// text. Its description says nothing to learn from or to suggest for.
func Rejected(v *advisory.Vulnerability) bool {
	if fv, ok := v.Field(advisory.FieldState, ""); ok && string(fv.Chosen().Value) == `"`+string(advisory.StateRejected)+`"` {
		return true
	}
	if _, ok := v.Field(advisory.FieldWithdrawn, ""); ok {
		return true
	}
	t, ok := v.Text(advisory.FieldDescription, English)
	return ok && strings.HasPrefix(t.Value, "** REJECT **")
}
