package csaf

import (
	"strings"
)

// scores returns every /vulnerabilities[]/scores[] item with the index of
// its vulnerability.
func (d *doc) scores() []node {
	var out []node
	for _, v := range d.root.get("vulnerabilities").items() {
		out = append(out, v.get("scores").items()...)
	}
	return out
}

// checkMultipleScores is test 6.1.7: within one vulnerability, a product has
// at most one score per CVSS version.
func checkMultipleScores(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		seen := map[string]map[string]bool{} // product → versions
		for _, s := range v.get("scores").items() {
			var versions []string
			for _, k := range []string{"cvss_v2", "cvss_v3"} {
				if ver, ok := s.get(k).get("version").str(); ok {
					versions = append(versions, ver)
				}
			}
			for _, p := range s.get("products").ids() {
				if seen[p.text()] == nil {
					seen[p.text()] = map[string]bool{}
				}
				for _, ver := range versions {
					if seen[p.text()][ver] {
						d.report(p.path, "product %q already has a CVSS %s score in this vulnerability", p.text(), ver)
					}
				}
				for _, ver := range versions {
					seen[p.text()][ver] = true
				}
			}
		}
	}
}

// checkInvalidCVSS is test 6.1.8: each CVSS object is valid against FIRST's
// schema for its version.
func checkInvalidCVSS(d *doc) {
	s, err := compiled()
	if err != nil {
		return
	}
	for _, sc := range d.scores() {
		if c := sc.get("cvss_v2"); c.exists() {
			for _, v := range violations(s.cvss2, c.v, c.path) {
				d.report(v.path, "invalid CVSS v2.0 object: %s", v.message)
			}
		}
		if c := sc.get("cvss_v3"); c.exists() {
			schema, name := s.cvss31, "v3.1"
			if c.get("version").text() == "3.0" {
				schema, name = s.cvss30, "v3.0"
			}
			for _, v := range violations(schema, c.v, c.path) {
				d.report(v.path, "invalid CVSS %s object: %s", name, v.message)
			}
		}
	}
}

// cvssObject returns a score's parsed CVSS object: its version ("2.0",
// "3.0" or "3.1") and metrics. ok is false when there is none or its vector
// string does not parse; test 6.1.8 reports the latter.
func cvssObject(c node, v2 bool) (version string, v vector, ok bool) {
	vs, isStr := c.get("vectorString").str()
	if !isStr {
		return "", nil, false
	}
	if v2 {
		v, err := parseVector(vs, v2Metrics, 6)
		return "2.0", v, err == nil
	}
	version = c.get("version").text()
	if version != "3.0" && version != "3.1" {
		return "", nil, false
	}
	_, v, err := parseV3(vs)
	return version, v, err == nil
}

// checkCVSSComputation is test 6.1.9: the scores and severities given in a
// CVSS object are those its vector string computes to.
func checkCVSSComputation(d *doc) {
	for _, sc := range d.scores() {
		for _, k := range []string{"cvss_v2", "cvss_v3"} {
			c := sc.get(k)
			version, v, ok := cvssObject(c, k == "cvss_v2")
			if !ok {
				continue
			}
			var got cvssScores
			if version == "2.0" {
				got = scoreV2(v)
			} else {
				got = scoreV3(version, v)
			}
			for _, f := range []struct {
				prop string
				want float64
			}{{"baseScore", got.base}, {"temporalScore", got.temporal}, {"environmentalScore", got.environmental}} {
				if n, ok := c.get(f.prop).num(); ok && n != f.want {
					d.report(c.get(f.prop).path, "%s is %v, but the vector string computes to %.1f", f.prop, n, f.want)
				}
			}
			if version == "2.0" {
				continue
			}
			for _, f := range []struct{ prop, want string }{
				{"baseSeverity", got.baseSeverity}, {"temporalSeverity", got.temporalSeverity}, {"environmentalSeverity", got.environmentalSeverity},
			} {
				if s, ok := c.get(f.prop).str(); ok && s != f.want {
					d.report(c.get(f.prop).path, "%s is %q, but the vector string computes to %q", f.prop, s, f.want)
				}
			}
		}
	}
}

// checkInconsistentCVSS is test 6.1.10: each metric property agrees with the
// same metric in the vector string. Metrics the vector leaves out are not
// compared, and parts of the vector that are not metrics are test 6.1.8's.
func checkInconsistentCVSS(d *doc) {
	for _, sc := range d.scores() {
		for _, k := range []string{"cvss_v2", "cvss_v3"} {
			c := sc.get(k)
			vs, ok := c.get("vectorString").str()
			if !ok {
				continue
			}
			table := v2Metrics
			parts := strings.Split(vs, "/")
			if k == "cvss_v3" {
				if ver := c.get("version").text(); ver != "3.0" && ver != "3.1" {
					continue
				}
				table, parts = v3Metrics, parts[1:]
			}
			for _, part := range parts {
				key, val, _ := strings.Cut(part, ":")
				m := lookupMetric(table, key)
				if m == nil {
					continue
				}
				want, known := m.values[val]
				prop := c.get(m.prop)
				if got, isStr := prop.str(); known && isStr && got != want {
					d.report(prop.path, "%s is %q, but the vector string says %s:%s (%s)", m.prop, got, key, val, want)
				}
			}
		}
	}
}

// checkFixedProductScore is test 6.2.19: a CVSS score that applies to a
// fixed product has an environmental score of 0, since nothing is left to
// exploit. The environmental metrics may be given as properties only (the
// vector string need not repeat them), so the score is computed from the
// vector completed by the properties. When neither the object nor that
// computation shows a score of 0, the test warns.
func checkFixedProductScore(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		fixed := map[string]bool{}
		for _, l := range []string{"first_fixed", "fixed"} {
			for _, p := range v.get("product_status").get(l).ids() {
				fixed[p.text()] = true
			}
		}
		if len(fixed) == 0 {
			continue
		}
		for _, sc := range v.get("scores").items() {
			var product string
			for _, p := range sc.get("products").ids() {
				if fixed[p.text()] {
					product = p.text()
					break
				}
			}
			if product == "" {
				continue
			}
			for _, k := range []string{"cvss_v2", "cvss_v3"} {
				c := sc.get(k)
				if !c.exists() {
					continue
				}
				env, ok := environmentalScore(c, k == "cvss_v2")
				if given, isNum := c.get("environmentalScore").num(); isNum && given > 0 {
					env, ok = given, true
				}
				if !ok || env != 0 {
					d.report(c.path, "the score applies to fixed product %q, so its environmental score should be 0", product)
				}
			}
		}
	}
}

// environmentalScore computes a CVSS object's environmental score from its
// vector string, taking metrics the vector leaves out from the object's
// properties.
func environmentalScore(c node, v2 bool) (float64, bool) {
	table, nBase, version := v3Metrics, 8, c.get("version").text()
	vs := c.get("vectorString").text()
	if v2 {
		table, nBase, version = v2Metrics, 6, "2.0"
	} else {
		if version != "3.0" && version != "3.1" {
			return 0, false
		}
		vs = strings.TrimPrefix(vs, "CVSS:"+version+"/")
	}
	given := map[string]string{}
	for _, part := range strings.Split(vs, "/") {
		if k, val, ok := strings.Cut(part, ":"); ok {
			given[k] = val
		}
	}
	var parts []string
	for _, m := range table {
		val, ok := given[m.key]
		if !ok {
			prop := c.get(m.prop).text()
			for abbr, name := range m.values {
				if name == prop {
					val, ok = abbr, true
				}
			}
		}
		if ok {
			parts = append(parts, m.key+":"+val)
		}
	}
	v, err := parseVector(strings.Join(parts, "/"), table, nBase)
	if err != nil {
		return 0, false
	}
	if v2 {
		return scoreV2(v).environmental, true
	}
	return scoreV3(version, v).environmental, true
}

// checkOnlyCVSSv2 is test 6.3.1: a score given only as CVSS v2.
func checkOnlyCVSSv2(d *doc) {
	for _, sc := range d.scores() {
		if sc.get("cvss_v2").exists() && !sc.get("cvss_v3").exists() {
			d.report(sc.path, "CVSS v2 is the only scoring system of this score")
		}
	}
}

// checkCVSSv30 is test 6.3.2: CVSS v3.0 rather than v3.1.
func checkCVSSv30(d *doc) {
	for _, sc := range d.scores() {
		c := sc.get("cvss_v3")
		if c.get("version").text() == "3.0" || strings.HasPrefix(c.get("vectorString").text(), "CVSS:3.0/") {
			d.report(c.path, "uses CVSS v3.0; prefer v3.1")
		}
	}
}
