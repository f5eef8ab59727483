package wazuh

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
)

// Sniff reports whether head is Wazuh vulnerability data: a 4.7 API
// response (top-level "data" holding affected_items of vulnerabilities:
// "cve" keys, or a message about vulnerabilities when there are none;
// other API responses, such as the agent list, have affected_items too),
// or a 4.8 indexer search response ("hits") over the
// wazuh-states-vulnerabilities indices.
func Sniff(head []byte) bool {
	keys := jsonstream.HeadKeys(head, "{")
	if slices.Contains(keys, "data") && bytes.Contains(head, []byte(`"affected_items"`)) {
		return bytes.Contains(head, []byte(`"cve"`)) || bytes.Contains(head, []byte("vulnerabilit"))
	}
	if slices.Contains(keys, "hits") {
		return bytes.Contains(head, []byte("wazuh-states-vulnerabilities")) ||
			bytes.Contains(head, []byte(`"vulnerability"`)) && bytes.Contains(head, []byte(`"agent"`))
	}
	return false
}

// item47 is an entry of GET /vulnerability/{agent_id} (Wazuh 4.7 and
// before).
type item47 struct {
	CVE                string   `json:"cve"`
	Name               string   `json:"name"`
	Version            string   `json:"version"`
	Architecture       string   `json:"architecture"`
	Type               string   `json:"type"`
	Title              string   `json:"title"`
	Severity           string   `json:"severity"`
	Condition          string   `json:"condition"`
	Status             string   `json:"status"`
	CVSS2Score         float64  `json:"cvss2_score"`
	CVSS3Score         float64  `json:"cvss3_score"`
	ExternalReferences []string `json:"external_references"`
}

// doc48 is a document of the wazuh-states-vulnerabilities indices
// (Wazuh 4.8 and later, ECS fields).
type doc48 struct {
	Agent struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		IP   string `json:"ip"`
	} `json:"agent"`
	Host struct {
		OS struct {
			Full     string `json:"full"`
			Name     string `json:"name"`
			Platform string `json:"platform"`
			Type     string `json:"type"`
			Version  string `json:"version"`
		} `json:"os"`
	} `json:"host"`
	Package struct {
		Name         string `json:"name"`
		Version      string `json:"version"`
		Architecture string `json:"architecture"`
		Type         string `json:"type"`
		Path         string `json:"path"`
	} `json:"package"`
	Vulnerability struct {
		ID          string `json:"id"`
		Description string `json:"description"`
		Reference   string `json:"reference"`
		Severity    string `json:"severity"`
		Score       struct {
			Base    *float64 `json:"base"`
			Version string   `json:"version"`
		} `json:"score"`
		Scanner struct {
			Condition string `json:"condition"`
			Source    string `json:"source"`
		} `json:"scanner"`
	} `json:"vulnerability"`
}

// Parse reads Wazuh vulnerability data: a Wazuh 4.7 API response
// ({"data": {"affected_items": [...]}}) or a Wazuh 4.8+ indexer search
// response ({"hits": {"hits": [{"_source": ...}]}}). The items are
// streamed.
func Parse(r io.Reader) (*scan.Report, error) {
	rd, _, err := jsonstream.Open(r, jsonstream.Doc{Starts: "{", Want: "a JSON object (Wazuh API or indexer response)", Empty: "a Wazuh response is a JSON object"})
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: "wazuh"}
	targets := scan.NewTargets[scan.Target](rep)
	shape := ""
	err = rd.Object(func(key string) error {
		switch key {
		case "data":
			shape = "4.7"
			return jsonstream.Located(rd.Object(func(k string) error {
				if k != "affected_items" {
					return jsonstream.Located(rd.Skip(), "data", k)
				}
				// The response is for one agent, which it does not name.
				t := rep.Target(scan.Target{Kind: scan.TargetHost})
				return jsonstream.Located(rd.Array(func(i int) error { return read47(rd, rep, t, i) }), "data", k)
			}), "report", key)
		case "hits":
			shape = "4.8"
			return jsonstream.Located(rd.Object(func(k string) error {
				if k != "hits" {
					return jsonstream.Located(rd.Skip(), "hits", k)
				}
				return jsonstream.Located(rd.Array(func(i int) error { return read48(rd, rep, targets, i) }), "hits", k)
			}), "report", key)
		}
		return jsonstream.Located(rd.Skip(), "report", key)
	})
	if err != nil {
		return nil, jsonstream.Located(err, "report", "")
	}
	if err := rd.End(); err != nil {
		return nil, jsonstream.Located(err, "", "")
	}
	if shape == "" {
		return nil, feed.Errorf("report", "", `neither "data" (Wazuh 4.7 API) nor "hits" (Wazuh 4.8 indexer)`)
	}
	return rep, nil
}

// read47 reads data.affected_items[i].
func read47(rd *jsonstream.Reader, rep *scan.Report, t, i int) error {
	name := fmt.Sprintf("data.affected_items[%d]", i)
	raw, err := rd.Raw()
	if err != nil {
		return jsonstream.Located(err, name, "")
	}
	var it item47
	err = jsonstream.Unmarshal(raw, &it)
	name, err = jsonstream.Named(name, it.CVE, "cve", err)
	if err != nil {
		return err
	}
	if strings.EqualFold(it.Status, "OBSOLETE") {
		return nil // no longer applies to the agent
	}
	out := scan.Result{
		Target:       t,
		Rule:         it.CVE,
		Title:        it.Title,
		Severity:     scan.ParseSeverity(it.Severity),
		ToolSeverity: it.Severity,
		Package:      &scan.Package{Name: it.Name, Version: it.Version},
		Evidence:     scan.Shorten(it.Condition),
	}
	out.AddID(it.CVE)
	for _, s := range []struct {
		field string
		v     float64
	}{{"cvss3_score", it.CVSS3Score}, {"cvss2_score", it.CVSS2Score}} {
		f, err := jsonstream.Score(s.v)
		if err != nil {
			return feed.Errorf(name, s.field, "%v", err)
		}
		if f > 0 && out.Score == 0 {
			out.Score = f // 0 is Wazuh's "no score"
		}
	}
	for _, u := range it.ExternalReferences {
		if u != "" && !slices.Contains(out.References, u) {
			out.References = append(out.References, u)
		}
	}
	rep.Results = append(rep.Results, out)
	return nil
}

// read48 reads hits.hits[i]: one vulnerability on one agent.
func read48(rd *jsonstream.Reader, rep *scan.Report, targets *scan.Targets[scan.Target], i int) error {
	name := fmt.Sprintf("hits.hits[%d]", i)
	raw, err := rd.Raw()
	if err != nil {
		return jsonstream.Located(err, name, "")
	}
	var hit struct {
		Source *doc48 `json:"_source"`
	}
	err = jsonstream.Unmarshal(raw, &hit)
	d := hit.Source
	if d != nil && d.Vulnerability.ID != "" {
		name += " " + d.Vulnerability.ID
	}
	if err != nil {
		return jsonstream.Located(err, name, "")
	}
	if d == nil {
		return feed.Errorf(name, "_source", "missing")
	}
	v := d.Vulnerability
	if v.ID == "" {
		return feed.Errorf(name, "_source.vulnerability.id", "missing")
	}
	tgt := scan.Target{Kind: scan.TargetHost, Name: d.Agent.Name, IP: d.Agent.IP, OS: d.Host.OS.Full}
	if tgt.Name == "" {
		tgt.Name = d.Agent.ID
	}
	if tgt.OS == "" {
		tgt.OS = strings.TrimSpace(d.Host.OS.Name + " " + d.Host.OS.Version)
	}
	t := targets.Index(tgt, func() scan.Target { return tgt })
	sev := v.Severity
	if sev == "-" {
		sev = "" // Wazuh's "not rated yet"
	}
	out := scan.Result{
		Target:       t,
		Rule:         v.ID,
		Severity:     scan.ParseSeverity(sev),
		ToolSeverity: v.Severity,
		Description:  strings.TrimSpace(v.Description),
		Evidence:     scan.Shorten(v.Scanner.Condition),
	}
	out.AddID(v.ID)
	if v.Score.Base != nil {
		f, err := jsonstream.Score(*v.Score.Base)
		if err != nil {
			return feed.Errorf(name, "_source.vulnerability.score.base", "%v", err)
		}
		out.Score = f
	}
	p := d.Package
	out.Package = &scan.Package{Name: p.Name, Version: p.Version, Path: p.Path,
		Ecosystem: packageEcosystem(p.Type, d.Host.OS.Platform, d.Host.OS.Version)}
	out.Location = p.Path
	for u := range strings.SplitSeq(v.Reference, ",") {
		if u = strings.TrimSpace(u); u != "" && !slices.Contains(out.References, u) {
			out.References = append(out.References, u)
		}
	}
	rep.Results = append(rep.Results, out)
	return nil
}

// packageEcosystem maps a Wazuh package type to an OSV ecosystem: a
// distribution package (deb, rpm, apk) takes the agent's distribution
// (host.os.platform and version: ubuntu 24.04.2 → Ubuntu:24.04:LTS), a
// language package its registry's.
func packageEcosystem(typ, platform, version string) string {
	switch strings.ToLower(typ) {
	case "deb", "rpm", "apk":
		e, err := ecosystem.FromDistro(platform, version)
		if err != nil {
			return ""
		}
		return e.String()
	case "pypi":
		return "PyPI"
	case "npm":
		return "npm"
	}
	return ""
}
