package sarif

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
)

// Sniff reports whether head is a SARIF log: an object with top-level
// "runs" and "version" or "$schema". No other format vmc reads has "runs";
// a SARIF log that Grype or Trivy wrote is still SARIF, and this
// package's. A log that starts with runs is recognised by its first
// run's tool driver.
func Sniff(head []byte) bool {
	keys := jsonstream.HeadKeys(head, "{")
	if !slices.Contains(keys, "runs") {
		return false
	}
	if slices.Contains(keys, "version") || slices.Contains(keys, "$schema") {
		return true
	}
	// A writer that puts runs first pushes version past a long head;
	// then the first run must have a tool driver.
	return keys[0] == "runs" && bytes.Contains(head, []byte(`"tool"`)) && bytes.Contains(head, []byte(`"driver"`))
}

// The types mirror the SARIF 2.1.0 schema
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), only
// the parts vmc reads; section numbers are the specification's.

// toolComponent is §3.19: the driver or an extension.
type toolComponent struct {
	Name            string `json:"name"`
	Version         string `json:"version"`
	SemanticVersion string `json:"semanticVersion"`
	Rules           []rule `json:"rules"`
}

// rule is a reportingDescriptor (§3.49).
type rule struct {
	ID                   string   `json:"id"`
	Name                 string   `json:"name"`
	ShortDescription     *message `json:"shortDescription"`
	FullDescription      *message `json:"fullDescription"`
	Help                 *message `json:"help"`
	HelpURI              string   `json:"helpUri"`
	DefaultConfiguration struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	MessageStrings map[string]message `json:"messageStrings"`
	Properties     properties         `json:"properties"`
	Relationships  []struct {
		Target reference `json:"target"`
	} `json:"relationships"`
}

// reference is a reportingDescriptorReference (§3.52) into a taxonomy.
type reference struct {
	ID            string `json:"id"`
	ToolComponent struct {
		Name string `json:"name"`
	} `json:"toolComponent"`
}

// properties is the part of a property bag (§3.8) vmc reads: tags, and
// the conventions GitHub code scanning set for security-severity (a
// CVSS-like score as a string) and tools use for CWE and CVE ids.
type properties struct {
	Tags             []string        `json:"tags"`
	SecuritySeverity json.RawMessage `json:"security-severity"`
	CWE              json.RawMessage `json:"cwe"`
}

type message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
	ID       string `json:"id"`
}

type location struct {
	PhysicalLocation *struct {
		ArtifactLocation artifactLocation `json:"artifactLocation"`
		Region           *region          `json:"region"`
		ContextRegion    *region          `json:"contextRegion"`
	} `json:"physicalLocation"`
	LogicalLocations []struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Name               string `json:"name"`
	} `json:"logicalLocations"`
}

type artifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
	Index     *int   `json:"index"`
}

type region struct {
	StartLine int `json:"startLine"`
	Snippet   *struct {
		Text string `json:"text"`
	} `json:"snippet"`
}

// result is §3.27.
type result struct {
	RuleID    string `json:"ruleId"`
	RuleIndex *int   `json:"ruleIndex"`
	Rule      *struct {
		ID    string `json:"id"`
		Index *int   `json:"index"`
	} `json:"rule"`
	Kind          string      `json:"kind"`
	Level         string      `json:"level"`
	Message       message     `json:"message"`
	Locations     []location  `json:"locations"`
	Taxa          []reference `json:"taxa"`
	Properties    properties  `json:"properties"`
	BaselineState string      `json:"baselineState"`
	Suppressions  []struct {
		Status string `json:"status"`
	} `json:"suppressions"`
}

// run holds what a run says besides its results.
type run struct {
	driver      *toolComponent
	extensions  []toolComponent
	artifacts   []struct{ Location artifactLocation }
	invocations []struct {
		StartTimeUTC     string            `json:"startTimeUtc"`
		EndTimeUTC       string            `json:"endTimeUtc"`
		WorkingDirectory *artifactLocation `json:"workingDirectory"`
	}
	baseIDs map[string]artifactLocation
	vcs     []struct {
		RepositoryURI string `json:"repositoryUri"`
	}
	byID map[string]*rule
}

// Parse reads a SARIF 2.1.0 log from any tool. Each run's results are
// streamed when the run gives its tool first, as every SARIF writer does.
func Parse(r io.Reader) (*scan.Report, error) {
	rd, _, err := jsonstream.Open(r, jsonstream.Doc{Starts: "{", Want: "a JSON object (SARIF log)", Empty: "a SARIF log is a JSON object"})
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: "sarif"}
	var version string
	var versions []string
	err = rd.Object(func(key string) error {
		switch key {
		case "version":
			return jsonstream.Located(rd.Decode(&version), "log", key)
		case "runs":
			return jsonstream.Located(rd.Array(func(i int) error {
				v, err := readRun(rd, rep, i)
				if v != "" && !slices.Contains(versions, v) {
					versions = append(versions, v)
				}
				return err
			}), "log", key)
		}
		return jsonstream.Located(rd.Skip(), "log", key)
	})
	if err != nil {
		return nil, jsonstream.Located(err, "log", "")
	}
	if err := rd.End(); err != nil {
		return nil, jsonstream.Located(err, "", "")
	}
	if version != "2.1.0" {
		return nil, feed.Errorf("log", "version", "%q, want \"2.1.0\"", version)
	}
	rep.Version = strings.Join(versions, "; ")
	return rep, nil
}

// readRun reads runs[i] and returns its tool's name and version.
func readRun(rd *jsonstream.Reader, rep *scan.Report, i int) (string, error) {
	name := fmt.Sprintf("runs[%d]", i)
	var ru run
	var pending []json.RawMessage // results read before the tool
	var found []scan.Result
	err := rd.Object(func(key string) error {
		switch key {
		case "tool":
			var t struct {
				Driver     toolComponent   `json:"driver"`
				Extensions []toolComponent `json:"extensions"`
			}
			if err := rd.Decode(&t); err != nil {
				return jsonstream.Located(err, name, key)
			}
			ru.driver, ru.extensions = &t.Driver, t.Extensions
			ru.byID = map[string]*rule{}
			for _, comp := range append([]toolComponent{t.Driver}, t.Extensions...) {
				for k := range comp.Rules {
					if _, dup := ru.byID[comp.Rules[k].ID]; !dup {
						ru.byID[comp.Rules[k].ID] = &comp.Rules[k]
					}
				}
			}
			for k, raw := range pending {
				r, ok, err := ru.result(name, k, raw)
				if err != nil {
					return err
				}
				if ok {
					found = append(found, r)
				}
			}
			pending = nil
			return nil
		case "results":
			return jsonstream.Located(rd.Array(func(k int) error {
				raw, err := rd.Raw()
				if err != nil {
					return jsonstream.Located(err, fmt.Sprintf("%s: results[%d]", name, k), "")
				}
				if ru.driver == nil {
					pending = append(pending, raw)
					return nil
				}
				r, ok, err := ru.result(name, k, raw)
				if ok {
					found = append(found, r)
				}
				return err
			}), name, key)
		case "artifacts":
			return jsonstream.Located(rd.Decode(&ru.artifacts), name, key)
		case "invocations":
			return jsonstream.Located(rd.Decode(&ru.invocations), name, key)
		case "originalUriBaseIds":
			return jsonstream.Located(rd.Decode(&ru.baseIDs), name, key)
		case "versionControlProvenance":
			return jsonstream.Located(rd.Decode(&ru.vcs), name, key)
		}
		return jsonstream.Located(rd.Skip(), name, key)
	})
	if err != nil {
		return "", jsonstream.Located(err, name, "")
	}
	if ru.driver == nil {
		return "", feed.Errorf(name, "tool", "missing")
	}
	t := rep.Target(ru.target())
	for k := range found {
		found[k].Target = t
	}
	rep.Results = append(rep.Results, found...)
	for k, inv := range ru.invocations {
		start, err := jsonstream.ParseTime(inv.StartTimeUTC)
		if err != nil {
			return "", feed.Errorf(name, fmt.Sprintf("invocations[%d].startTimeUtc", k), "%v", err)
		}
		end, err := jsonstream.ParseTime(inv.EndTimeUTC)
		if err != nil {
			return "", feed.Errorf(name, fmt.Sprintf("invocations[%d].endTimeUtc", k), "%v", err)
		}
		rep.Started = earliest(rep.Started, start)
		if end.After(rep.Finished) {
			rep.Finished = end
		}
	}
	v := ru.driver.Version
	if v == "" {
		v = ru.driver.SemanticVersion
	}
	return strings.TrimSpace(ru.driver.Name + " " + v), nil
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// target is the tree a run analysed: its repository, else the URI of
// its source root (%SRCROOT%), else its working directory. Most logs say
// none of these (the samples do not): the importer must then be told.
func (ru *run) target() scan.Target {
	t := scan.Target{Kind: scan.TargetSource}
	for _, v := range ru.vcs {
		if v.RepositoryURI != "" {
			t.Name = v.RepositoryURI
			return t
		}
	}
	for _, k := range []string{"%SRCROOT%", "SRCROOT", "SRCROOT%"} {
		if b, ok := ru.baseIDs[k]; ok && b.URI != "" {
			t.Name = b.URI
			return t
		}
	}
	for _, inv := range ru.invocations {
		if inv.WorkingDirectory != nil && inv.WorkingDirectory.URI != "" {
			t.Name = inv.WorkingDirectory.URI
			return t
		}
	}
	return t
}

// rule finds a result's rule: by index into the driver's rules, else by
// id in the driver and its extensions.
func (ru *run) rule(res *result) (*rule, string) {
	id := res.RuleID
	idx := res.RuleIndex
	if res.Rule != nil {
		if id == "" {
			id = res.Rule.ID
		}
		if idx == nil {
			idx = res.Rule.Index
		}
	}
	if idx != nil && *idx >= 0 && *idx < len(ru.driver.Rules) {
		r := &ru.driver.Rules[*idx]
		if id == "" {
			id = r.ID
		}
		if r.ID == id {
			return r, id
		}
	}
	return ru.byID[id], id
}

// result reads results[k] of run name; ok is false for a result that is
// no finding.
func (ru *run) result(runName string, k int, raw json.RawMessage) (scan.Result, bool, error) {
	name := fmt.Sprintf("%s: results[%d]", runName, k)
	var res result
	err := jsonstream.Unmarshal(raw, &res)
	rl, id := ru.rule(&res)
	name, err = jsonstream.Named(name, id, "", err)
	if err != nil {
		return scan.Result{}, false, err
	}
	switch {
	case res.Kind == "pass" || res.Kind == "notApplicable":
		// The check ran and found nothing (§3.27.9).
		return scan.Result{}, false, nil
	case res.BaselineState == "absent":
		// Gone since the baseline run (§3.27.24).
		return scan.Result{}, false, nil
	case suppressed(&res):
		return scan.Result{}, false, nil
	}
	if rl == nil {
		rl = &rule{ID: id}
	}
	out := scan.Result{Rule: id}
	if rl.ShortDescription != nil {
		out.Title = rl.ShortDescription.Text
	}
	if out.Title == "" && rl.Name != id {
		out.Title = rl.Name
	}
	if rl.FullDescription != nil {
		out.Description = rl.FullDescription.Text
	}
	if out.Description == "" && rl.Help != nil {
		out.Description = rl.Help.Text
	}
	msg := res.Message.Text
	if msg == "" && res.Message.ID != "" {
		msg = rl.MessageStrings[res.Message.ID].Text
	}
	if err := severity(&out, &res, rl); err != nil {
		return out, false, jsonstream.Located(err, name, "")
	}
	ids(&out, rl, &res)
	if err := cwes(&out, rl, &res); err != nil {
		return out, false, jsonstream.Located(err, name, "")
	}
	evidence := msg
	if strings.TrimSpace(msg) == strings.TrimSpace(out.Description) {
		// Semgrep repeats the rule's description as the message.
		evidence = ""
	}
	if len(res.Locations) > 0 {
		l := res.Locations[0]
		out.Location = ru.where(l)
		if pl := l.PhysicalLocation; pl != nil {
			for _, reg := range []*region{pl.Region, pl.ContextRegion} {
				if reg != nil && reg.Snippet != nil && reg.Snippet.Text != "" {
					evidence = strings.TrimRight(evidence, "\n") + "\n\n" + reg.Snippet.Text
					break
				}
			}
		}
	}
	out.Evidence = scan.Shorten(strings.TrimSpace(evidence))
	if rl.HelpURI != "" {
		out.References = []string{rl.HelpURI}
	}
	if strings.EqualFold(ru.driver.Name, "grype") && rl.Help != nil {
		grypePackage(&out, rl.Help.Text)
	}
	return out, true, nil
}

// suppressed reports whether a result was suppressed in the tool (§3.35):
// a suppression without a status, or an accepted one. The user decided
// in the tool; a suppression under review or rejected does not count.
func suppressed(res *result) bool {
	for _, s := range res.Suppressions {
		if s.Status == "" || s.Status == "accepted" {
			return true
		}
	}
	return false
}

// where is "uri:line" for a physical location, the fully qualified name
// for a logical one.
func (ru *run) where(l location) string {
	if pl := l.PhysicalLocation; pl != nil {
		uri := pl.ArtifactLocation.URI
		if ix := pl.ArtifactLocation.Index; uri == "" && ix != nil && *ix >= 0 && *ix < len(ru.artifacts) {
			uri = ru.artifacts[*ix].Location.URI
		}
		if pl.Region != nil && pl.Region.StartLine > 0 {
			return uri + ":" + strconv.Itoa(pl.Region.StartLine)
		}
		if uri != "" {
			return uri
		}
	}
	for _, ll := range l.LogicalLocations {
		if ll.FullyQualifiedName != "" {
			return ll.FullyQualifiedName
		}
		if ll.Name != "" {
			return ll.Name
		}
	}
	return ""
}

// severity rates a result: by the security-severity property when the
// result or its rule has one (a score by scan.SeverityFromScore, which
// also becomes Score; a word, as Semgrep writes, by scan.ParseSeverity),
// else by its level (the result's, else the rule's default, else
// "warning", SARIF's default, §3.27.10).
func severity(out *scan.Result, res *result, rl *rule) error {
	for _, src := range []struct {
		field string
		raw   json.RawMessage
	}{{"properties.security-severity", res.Properties.SecuritySeverity}, {"rule.properties.security-severity", rl.Properties.SecuritySeverity}} {
		switch jsonstream.KindOf(src.raw) {
		case "nothing", "null":
			continue
		case "number":
			var f float64
			if err := jsonstream.Unmarshal(src.raw, &f); err != nil {
				return &jsonstream.FieldError{Path: src.field, Err: err}
			}
			s, err := jsonstream.Score(f)
			if err != nil {
				return &jsonstream.FieldError{Path: src.field, Err: err}
			}
			out.Severity, out.ToolSeverity, out.Score = scan.SeverityFromScore(s), string(src.raw), s
			return nil
		case "string":
			var w string
			if err := jsonstream.Unmarshal(src.raw, &w); err != nil {
				return &jsonstream.FieldError{Path: src.field, Err: err}
			}
			if strings.TrimSpace(w) == "" {
				continue
			}
			if f, err := strconv.ParseFloat(strings.TrimSpace(w), 64); err == nil {
				s, err := jsonstream.Score(f)
				if err != nil {
					return &jsonstream.FieldError{Path: src.field, Err: err}
				}
				out.Severity, out.ToolSeverity, out.Score = scan.SeverityFromScore(s), w, s
				return nil
			}
			out.Severity, out.ToolSeverity = scan.ParseSeverity(w), w
			return nil
		default:
			return &jsonstream.FieldError{Path: src.field, Err: fmt.Errorf("got JSON %s, want number or string", jsonstream.KindOf(src.raw))}
		}
	}
	level := res.Level
	if level == "" {
		level = rl.DefaultConfiguration.Level
	}
	if level == "" {
		level = "warning"
	}
	out.ToolSeverity = level
	switch level {
	case "error", "warning", "note", "none":
		out.Severity = scan.ParseSeverity(level)
	default:
		return &jsonstream.FieldError{Path: "level", Err: fmt.Errorf("%q is no SARIF level (error, warning, note, none)", level)}
	}
	if res.Kind == "informational" {
		out.Severity = scan.SevInfo
	}
	return nil
}

// vulnID matches a CVE or GHSA id at the start of a rule id or as a whole
// tag. Grype names its SARIF rules "<id>-<package>".
var vulnID = regexp.MustCompile(`(?i)^(CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})`)

// ids collects the vulnerability ids a result names: a CVE or GHSA that
// starts its rule id, and tags that are one.
func ids(out *scan.Result, rl *rule, res *result) {
	if m := vulnID.FindString(out.Rule); m != "" {
		out.AddID(m)
	}
	for _, tags := range [][]string{rl.Properties.Tags, res.Properties.Tags} {
		for _, tag := range tags {
			if m := vulnID.FindString(tag); m != "" && len(m) == len(tag) {
				out.AddID(m)
			}
		}
	}
}

// cweTag matches the CWE tags tools write: "CWE-79", "cwe-079",
// "external/cwe/cwe-079" (CodeQL), "CWE-79: Improper Neutralization…".
var cweTag = regexp.MustCompile(`(?i)(?:^|/)cwe[-:]?\s*0*(\d{1,7})\b`)

// cwes collects CWE ids from tags, a "cwe" property (a string or a list),
// and references into a taxonomy named CWE (rule relationships, result
// taxa).
func cwes(out *scan.Result, rl *rule, res *result) error {
	for _, tags := range [][]string{rl.Properties.Tags, res.Properties.Tags} {
		for _, tag := range tags {
			if m := cweTag.FindStringSubmatch(tag); m != nil {
				n, _ := strconv.Atoi(m[1])
				out.AddCWE(n)
			}
		}
	}
	for _, p := range []struct {
		field string
		raw   json.RawMessage
	}{{"rule.properties.cwe", rl.Properties.CWE}, {"properties.cwe", res.Properties.CWE}} {
		list, err := jsonstream.StringList(p.raw)
		if err != nil {
			return &jsonstream.FieldError{Path: p.field, Err: err}
		}
		for _, c := range list {
			n, err := scan.ParseCWE(c)
			if err != nil {
				return &jsonstream.FieldError{Path: p.field, Err: err}
			}
			out.AddCWE(n)
		}
	}
	var refs []reference
	for _, rel := range rl.Relationships {
		refs = append(refs, rel.Target)
	}
	refs = append(refs, res.Taxa...)
	for _, ref := range refs {
		if strings.EqualFold(ref.ToolComponent.Name, "CWE") {
			if n, err := scan.ParseCWE(ref.ID); err == nil {
				out.AddCWE(n)
			}
		}
	}
	return nil
}

// grypePackage reads the package Grype describes in its rules' help text
// ("Package: x\nVersion: 1.0\nFix Version: \nType: java-archive\n
// Location: lib/x.jar"), which is where Grype's SARIF keeps it.
func grypePackage(out *scan.Result, help string) {
	var pkg scan.Package
	var typ string
	for line := range strings.SplitSeq(help, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "Package":
			pkg.Name = v
		case "Version":
			pkg.Version = v
		case "Fix Version":
			pkg.Fixed = v
		case "Type":
			typ = v
		case "Location":
			pkg.Path = v
		}
	}
	if pkg.Name == "" {
		return
	}
	if eco, ok := grypeTypes[typ]; ok {
		pkg.Ecosystem = eco
	} else if id, err := ecosystem.Parse(typ); err == nil {
		pkg.Ecosystem = id.String()
	}
	if pkg.Fixed != "" {
		out.Solution = "Upgrade " + pkg.Name + " to " + pkg.Fixed
	}
	out.Package = &pkg
}

// grypeTypes maps Grype's (syft's) package types to OSV ecosystems where
// the type's name is not an ecosystem's.
var grypeTypes = map[string]string{
	"java-archive": "Maven", "jenkins-plugin": "Maven", "python": "PyPI", "go-module": "Go",
	"gem": "RubyGems", "rust-crate": "crates.io", "php-composer": "Packagist", "dotnet": "NuGet",
	"npm": "npm", "binary": "", "deb": "", "rpm": "", "apk": "",
}
