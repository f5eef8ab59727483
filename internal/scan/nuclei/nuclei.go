package nuclei

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
)

// Sniff reports whether head is nuclei output: JSON Lines or a JSON
// array whose first record has "info" and "template-id" (nuclei v3) or
// "templateID" (v2). An empty file, which nuclei leaves when it finds
// nothing, is not claimed: osv-scanner leaves the same.
func Sniff(head []byte) bool {
	keys := jsonstream.HeadKeys(head, "{[")
	return slices.Contains(keys, "info") && (slices.Contains(keys, "template-id") || slices.Contains(keys, "templateID"))
}

// event is one result (nuclei pkg/output ResultEvent), with v2's
// underscore and camel-case spellings beside v3's hyphenated ones.
type event struct {
	TemplateID    string   `json:"template-id"`
	TemplateIDv2  string   `json:"templateID"`
	TemplateURL   string   `json:"template-url"`
	Info          info     `json:"info"`
	MatcherName   string   `json:"matcher-name"`
	MatcherNameV2 string   `json:"matcher_name"`
	ExtractorName string   `json:"extractor-name"`
	Type          string   `json:"type"`
	Host          string   `json:"host"`
	Path          string   `json:"path"`
	URL           string   `json:"url"`
	MatchedAt     string   `json:"matched-at"`
	MatchedV2     string   `json:"matched"`
	Extracted     []string `json:"extracted-results"`
	ExtractedV2   []string `json:"extracted_results"`
	Request       string   `json:"request"`
	CurlCommand   string   `json:"curl-command"`
	IP            string   `json:"ip"`
	Timestamp     string   `json:"timestamp"`
	MatcherStatus *bool    `json:"matcher-status"`
}

// info is the template's info block (nuclei pkg/model Info). Several
// fields are a string or a list depending on the template and version.
type info struct {
	Name           string          `json:"name"`
	Description    string          `json:"description"`
	Impact         string          `json:"impact"`
	Remediation    string          `json:"remediation"`
	Severity       string          `json:"severity"`
	Reference      json.RawMessage `json:"reference"`
	Classification *struct {
		CVEID       json.RawMessage `json:"cve-id"`
		CWEID       json.RawMessage `json:"cwe-id"`
		CVSSMetrics string          `json:"cvss-metrics"`
		CVSSScore   json.RawMessage `json:"cvss-score"`
	} `json:"classification"`
}

// parser builds the report as records arrive.
type parser struct {
	rep *scan.Report
	// targets indexes rep.Targets by kind, name and URL, so that each
	// record costs one lookup rather than a scan of the targets so far,
	// and records of one target that differ only in what they tell of it
	// (the address, which DNS templates do not give) stay one target.
	targets map[string]int
}

// Parse reads nuclei's JSON output: JSON Lines (`-jsonl`, and `-json` in
// nuclei 2) or a JSON array (`-json-export`), one result event per
// record, streamed. An empty input is an empty report: nuclei writes
// nothing when it finds nothing, so an empty file means "nothing found".
func Parse(r io.Reader) (*scan.Report, error) {
	p := &parser{rep: &scan.Report{Tool: "nuclei"}, targets: map[string]int{}}
	rd, c, err := jsonstream.Open(r, jsonstream.Doc{Starts: "{[", Want: "JSON Lines or a JSON array of nuclei results"})
	if err == io.EOF {
		return p.rep, nil
	}
	if err != nil {
		return nil, err
	}
	if c == '[' {
		err := rd.Array(func(i int) error { return p.record(rd, fmt.Sprintf("[%d]", i)) })
		if err != nil {
			return nil, jsonstream.Located(err, "", "")
		}
		if err := rd.End(); err != nil {
			return nil, jsonstream.Located(err, "", "")
		}
		return p.rep, nil
	}
	// JSON Lines: objects one after another up to the end of the input;
	// anything else between them is an error naming the record it stands
	// in place of.
	for n := 1; ; n++ {
		if !rd.More() {
			if err := rd.End(); err != nil {
				return nil, feed.Errorf(fmt.Sprintf("#%d", n), "", "not a JSON object")
			}
			return p.rep, nil
		}
		if err := p.record(rd, fmt.Sprintf("#%d", n)); err != nil {
			return nil, err
		}
	}
}

// record reads one result event, named pos ("#3" in JSON Lines, "[2]" in
// an array).
func (p *parser) record(rd *jsonstream.Reader, pos string) error {
	raw, err := rd.Raw()
	if err != nil {
		return jsonstream.Located(err, pos, "")
	}
	if k := jsonstream.KindOf(raw); k != "object" {
		return feed.Errorf(pos, "", "got JSON %s, want object", k)
	}
	var e event
	err = jsonstream.Unmarshal(raw, &e)
	id := e.TemplateID
	if id == "" {
		id = e.TemplateIDv2
	}
	name, err := jsonstream.Named(pos, id, "template-id", err)
	if err != nil {
		return err
	}
	if e.MatcherStatus != nil && !*e.MatcherStatus {
		// -matcher-status also writes the templates that did not match.
		return nil
	}
	out := scan.Result{
		Target:       p.target(&e),
		Rule:         id,
		Title:        e.Info.Name,
		Severity:     scan.ParseSeverity(e.Info.Severity),
		ToolSeverity: e.Info.Severity,
		Description:  strings.TrimSpace(e.Info.Description),
		Solution:     strings.TrimSpace(e.Info.Remediation),
		Location:     e.MatchedAt,
	}
	if out.Location == "" {
		out.Location = e.MatchedV2
	}
	if impact := strings.TrimSpace(e.Info.Impact); impact != "" {
		out.Description = strings.TrimSpace(out.Description + "\n\nImpact: " + impact)
	}
	if c := e.Info.Classification; c != nil {
		cves, err := jsonstream.StringList(c.CVEID)
		if err != nil {
			return jsonstream.Located(err, name, "info.classification.cve-id")
		}
		for _, v := range cves {
			out.AddID(v)
		}
		cwes, err := jsonstream.StringList(c.CWEID)
		if err != nil {
			return jsonstream.Located(err, name, "info.classification.cwe-id")
		}
		for k, v := range cwes {
			n, err := scan.ParseCWE(v)
			if err != nil {
				return feed.Errorf(name, fmt.Sprintf("info.classification.cwe-id[%d]", k), "%v", err)
			}
			out.AddCWE(n)
		}
		out.Vector = c.CVSSMetrics
		if s, err := cvssScore(c.CVSSScore); err != nil {
			return jsonstream.Located(err, name, "info.classification.cvss-score")
		} else {
			out.Score = s
		}
	}
	refs, err := jsonstream.StringList(e.Info.Reference)
	if err != nil {
		return jsonstream.Located(err, name, "info.reference")
	}
	for _, ref := range refs {
		// nuclei 2 wrote a YAML list into one string: "- url\n- url".
		for line := range strings.SplitSeq(ref, "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
			if line != "" && !slices.Contains(out.References, line) {
				out.References = append(out.References, line)
			}
		}
	}
	out.Evidence = scan.Shorten(evidence(&e))
	t, err := jsonstream.ParseTime(e.Timestamp)
	if err != nil {
		return feed.Errorf(name, "timestamp", "%v", err)
	}
	if !t.IsZero() {
		if p.rep.Started.IsZero() || t.Before(p.rep.Started) {
			p.rep.Started = t
		}
		if t.After(p.rep.Finished) {
			p.rep.Finished = t
		}
	}
	p.rep.Results = append(p.rep.Results, out)
	return nil
}

// cvssScore reads cvss-score, a number or a numeric string.
func cvssScore(raw json.RawMessage) (float64, error) {
	switch k := jsonstream.KindOf(raw); k {
	case "nothing", "null":
		return 0, nil
	case "number":
		var f float64
		if err := jsonstream.Unmarshal(raw, &f); err != nil {
			return 0, err
		}
		return jsonstream.Score(f)
	case "string":
		var s string
		if err := jsonstream.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		if s == "" {
			return 0, nil
		}
		return jsonstream.ParseScore(s)
	default:
		return 0, fmt.Errorf("got JSON %s, want number", k)
	}
}

// evidence is what nuclei shows as proof: the matcher and extractor that
// fired, what they extracted, and the request (as a curl command when
// nuclei gives one).
func evidence(e *event) string {
	var lines []string
	if m := cmpOr(e.MatcherName, e.MatcherNameV2); m != "" {
		lines = append(lines, "matcher: "+m)
	}
	if e.ExtractorName != "" {
		lines = append(lines, "extractor: "+e.ExtractorName)
	}
	if x := append(slices.Clip(e.Extracted), e.ExtractedV2...); len(x) > 0 {
		lines = append(lines, "extracted: "+strings.Join(x, ", "))
	}
	switch {
	case e.CurlCommand != "":
		lines = append(lines, e.CurlCommand)
	case e.Request != "":
		lines = append(lines, strings.TrimSpace(e.Request))
	}
	return strings.Join(lines, "\n")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// target is the web application or host a record is about. nuclei 3
// names the input in "host" (-json-export) or "path" (JSON Lines, where
// "url" holds it again behind a "/"), nuclei 2 in "host". An input that
// is a URL makes a web target with that URL; otherwise the base of the
// matched URL does; a bare host name or address ("www.asdf.de" for DNS
// and TLS templates) makes a host target.
func (p *parser) target(e *event) int {
	input := cmpOr(e.Host, e.Path)
	if input == "" {
		input = strings.TrimPrefix(e.URL, "/")
	}
	matched := cmpOr(e.MatchedAt, e.MatchedV2)
	var t scan.Target
	switch {
	case isWebURL(input):
		t = scan.Target{Kind: scan.TargetWeb, Name: input, URL: input}
	case isWebURL(matched):
		u, _ := url.Parse(matched)
		base := u.Scheme + "://" + u.Host
		t = scan.Target{Kind: scan.TargetWeb, Name: cmpOr(input, base), URL: base}
	default:
		name := cmpOr(input, matched)
		t = scan.Target{Kind: scan.TargetHost, Name: name}
		if h := hostOnly(name); h != "" && net.ParseIP(h) == nil {
			t.FQDN = h
		}
	}
	if t.Kind == scan.TargetWeb {
		if u, err := url.Parse(t.URL); err == nil && net.ParseIP(u.Hostname()) == nil {
			t.FQDN = u.Hostname()
		}
	}
	t.IP = e.IP
	if t.IP == "" {
		if h := hostOnly(t.Name); net.ParseIP(h) != nil {
			t.IP = h
		}
	}
	key := string(t.Kind) + "\x00" + t.Name + "\x00" + t.URL
	if i, ok := p.targets[key]; ok {
		if have := &p.rep.Targets[i]; have.IP == "" {
			have.IP = t.IP
		}
		return i
	}
	i := p.rep.Target(t)
	p.targets[key] = i
	return i
}

// isWebURL reports whether s is an absolute http or https URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// hostOnly strips a port from "host:port".
func hostOnly(s string) string {
	if h, port, err := net.SplitHostPort(s); err == nil {
		if _, err := strconv.Atoi(port); err == nil {
			return h
		}
	}
	return s
}
