package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/acunetix"
	"github.com/vmc-dev/vmc/internal/scan/anchore"
	"github.com/vmc-dev/vmc/internal/scan/burp"
	"github.com/vmc-dev/vmc/internal/scan/depcheck"
	"github.com/vmc-dev/vmc/internal/scan/grype"
	"github.com/vmc-dev/vmc/internal/scan/inspector"
	"github.com/vmc-dev/vmc/internal/scan/nessus"
	"github.com/vmc-dev/vmc/internal/scan/nikto"
	"github.com/vmc-dev/vmc/internal/scan/nmap"
	"github.com/vmc-dev/vmc/internal/scan/nuclei"
	"github.com/vmc-dev/vmc/internal/scan/openvas"
	"github.com/vmc-dev/vmc/internal/scan/osvscanner"
	"github.com/vmc-dev/vmc/internal/scan/prowler"
	"github.com/vmc-dev/vmc/internal/scan/qualys"
	"github.com/vmc-dev/vmc/internal/scan/sarif"
	"github.com/vmc-dev/vmc/internal/scan/snyk"
	"github.com/vmc-dev/vmc/internal/scan/trivy"
	"github.com/vmc-dev/vmc/internal/scan/wazuh"
	"github.com/vmc-dev/vmc/internal/scan/zap"
	"github.com/vmc-dev/vmc/internal/store"
)

// ScanFormat is one tool's report format.
type ScanFormat struct {
	Tool  string
	Sniff func(head []byte) bool
	Parse func(io.Reader) (*scan.Report, error)
}

// ScanFormats lists the tools whose reports vmc reads.
func ScanFormats() []ScanFormat {
	return []ScanFormat{
		{"nessus", nessus.Sniff, nessus.Parse},
		{"openvas", openvas.Sniff, openvas.Parse},
		{"qualys", qualys.Sniff, qualys.Parse},
		{"nmap", nmap.Sniff, nmap.Parse},
		{"zap", zap.Sniff, zap.Parse},
		{"burp", burp.Sniff, burp.Parse},
		{"acunetix", acunetix.Sniff, acunetix.Parse},
		{"nikto", nikto.Sniff, nikto.Parse},
		{"nuclei", nuclei.Sniff, nuclei.Parse},
		{"trivy", trivy.Sniff, trivy.Parse},
		{"grype", grype.Sniff, grype.Parse},
		{"anchore", anchore.Sniff, anchore.Parse},
		{"osvscanner", osvscanner.Sniff, osvscanner.Parse},
		{"snyk", snyk.Sniff, snyk.Parse},
		{"depcheck", depcheck.Sniff, depcheck.Parse},
		{"sarif", sarif.Sniff, sarif.Parse},
		{"inspector", inspector.Sniff, inspector.Parse},
		{"prowler", prowler.Sniff, prowler.Parse},
		{"wazuh", wazuh.Sniff, wazuh.Parse},
	}
}

// ErrUnknownTool marks a report no format claims, or a tool name vmc does
// not know.
var ErrUnknownTool = errors.New("unknown scanner report")

// sniffLen is how much of a report the formats' Sniff functions see.
const sniffLen = 8 << 10

// ReadScan parses a report: with the named tool's format, or with the one
// whose Sniff claims its first bytes.
func ReadScan(name, tool string, r io.Reader) (*scan.Report, error) {
	formats := ScanFormats()
	br := bufio.NewReaderSize(r, sniffLen)
	if tool != "" {
		i := slices.IndexFunc(formats, func(f ScanFormat) bool { return f.Tool == tool })
		if i < 0 {
			return nil, fmt.Errorf("%w: tool %q (one of %s)", ErrUnknownTool, tool, toolNames(formats))
		}
		return parseScan(name, formats[i], br)
	}
	head, _ := br.Peek(sniffLen)
	var claims []ScanFormat
	for _, f := range formats {
		if f.Sniff(head) {
			claims = append(claims, f)
		}
	}
	switch len(claims) {
	case 0:
		return nil, fmt.Errorf("%s: %w: no format recognises it; name the tool (one of %s)", name, ErrUnknownTool, toolNames(formats))
	case 1:
		return parseScan(name, claims[0], br)
	}
	return nil, fmt.Errorf("%s: %w: %s all claim it; name the tool", name, ErrUnknownTool, toolNames(claims))
}

func parseScan(name string, f ScanFormat, r io.Reader) (*scan.Report, error) {
	rep, err := f.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, f.Tool, err)
	}
	return rep, nil
}

func toolNames(fs []ScanFormat) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Tool
	}
	return strings.Join(names, ", ")
}

// Placement says which asset a report's target went to, and by what rule.
type Placement struct {
	Target scan.Target `json:"target"`
	Asset  string      `json:"asset"`
	// Rule is how: "given" (the asset named for the import), "name",
	// "fqdn", "ip" or "url" (an existing asset of that name), or
	// "created".
	Rule string `json:"rule"`
}

// ScanOutcome is what importing a report did.
type ScanOutcome struct {
	Tool       string      `json:"tool"`
	Report     string      `json:"report"`
	Placements []Placement `json:"placements"`
	Results    int         `json:"results"`
	// Linked counts results naming a vulnerability vmc holds; Recorded
	// those whose vulnerability vmc learnt from the report (kept as the
	// tool's own record); Unnamed those with no identifier, kept as the
	// tool's check.
	Linked   int     `json:"linked"`
	Recorded int     `json:"recorded"`
	Unnamed  int     `json:"unnamed"`
	Findings Outcome `json:"findings"`
	// Changes are the findings the import opened or changed.
	Changes []finding.Change `json:"-"`
}

// ImportScan files a parsed report's results as findings: targets are
// placed on assets (see place), results become matches of the tool, and
// each asset's findings are reconciled with them as the tool's scan — a
// finding the tool reported before and no longer does loses its evidence,
// and is resolved if no other tool still reports it. assetName, when set,
// places every target on that asset.
func (m *Matcher) ImportScan(ctx context.Context, rep *scan.Report, report, assetName string) (ScanOutcome, error) {
	out := ScanOutcome{Tool: rep.Tool, Report: report, Results: len(rep.Results)}
	if assetName != "" && len(rep.Targets) == 0 {
		// A report of nothing found may list no target (osv-scanner
		// lists only sources with results): the asset named is what was
		// scanned, and the scan still resolves what the tool reported
		// there before.
		rep = &scan.Report{Tool: rep.Tool, Version: rep.Version, Targets: []scan.Target{{Kind: scan.TargetSource, Name: assetName}}}
	}
	assets := make([]asset.Asset, len(rep.Targets))
	for i, t := range rep.Targets {
		a, rule, err := m.place(ctx, t, assetName)
		if err != nil {
			return out, fmt.Errorf("%s: targets[%d] %q: %w", report, i, t.Name, err)
		}
		assets[i] = a
		out.Placements = append(out.Placements, Placement{Target: t, Asset: a.Name, Rule: rule})
	}
	// The results' vulnerabilities: those vmc holds by any id, else a
	// record of the tool's own, written before the findings refer to it.
	vulns := make([]string, len(rep.Results))
	var records []advisory.Record
	recorded := map[string]string{}
	primary := map[string]string{} // id as the tool names it → vmc's primary id, "" when unknown
	for i, r := range rep.Results {
		id, err := m.known(ctx, r.IDs, primary)
		if err != nil {
			return out, err
		}
		if id != "" {
			vulns[i] = id
			out.Linked++
			continue
		}
		rec := toolRecord(rep.Tool, r)
		if have, ok := recorded[rec.ID]; ok {
			vulns[i] = have
		} else {
			recorded[rec.ID], vulns[i] = rec.ID, rec.ID
			records = append(records, rec)
		}
		if len(r.IDs) == 0 {
			out.Unnamed++
		} else {
			out.Recorded++
		}
	}
	if len(records) > 0 {
		if _, err := m.Store.PutRecords(ctx, records); err != nil {
			return out, fmt.Errorf("%s: the tool's records: %w", report, err)
		}
	}
	// Per asset, the matches and what the tool said of each.
	type batch struct {
		ms      []match.Match
		details map[finding.Key]finding.Evidence
	}
	byAsset := map[int64]*batch{}
	for i, r := range rep.Results {
		a := assets[r.Target]
		b := byAsset[a.ID]
		if b == nil {
			b = &batch{details: map[finding.Key]finding.Evidence{}}
			byAsset[a.ID] = b
		}
		// The tool's own records are new: their ids are primary ids
		// unless a stored vulnerability took them in as aliases.
		id, ok := primary[vulns[i]]
		if !ok || id == "" {
			v, err := m.Store.Vuln(ctx, vulns[i], store.VulnOptions{})
			if err != nil {
				return out, fmt.Errorf("%s: results[%d]: %w", report, i, err)
			}
			id, primary[vulns[i]] = v.ID, v.ID
		}
		c := component(rep.Targets[r.Target], r)
		b.ms = append(b.ms, match.Match{Component: c, Vuln: id, Explanation: match.Explanation{
			Source: rep.Tool, Record: cmpOr(r.Rule, id), Kind: "reported", Ecosystem: c.Ecosystem, Package: c.Name,
			Installed: c.Version, FixedVersion: fixedOf(r)}})
		k := finding.Key{Package: finding.ComponentPackage(c), Vuln: id}
		if e, ok := b.details[k]; ok {
			e.Detail = scan.Shorten(e.Detail + "\n" + r.Location)
			b.details[k] = e
			continue
		}
		b.details[k] = finding.Evidence{Rule: r.Rule, Severity: r.ToolSeverity, Mapped: string(r.Severity), Location: r.Location, Detail: r.Evidence}
	}
	policies, err := m.Store.SLAPolicies(ctx)
	if err != nil {
		return out, err
	}
	rules, err := m.Store.Rules(ctx)
	if err != nil {
		return out, err
	}
	done := map[int64]bool{}
	for _, a := range assets {
		if done[a.ID] {
			continue
		}
		done[a.ID] = true
		b := byAsset[a.ID]
		if b == nil {
			b = &batch{}
		}
		policy := finding.PolicyFor(policies, a.Environment)
		chs, err := m.Store.ReconcileFindings(ctx, a, b.ms, finding.Scan{At: m.now(), Source: rep.Tool + " " + report, Tool: rep.Tool,
			Details: b.details, Assess: m.assessor(ctx, a, true), Policy: &policy, Rules: rules})
		if err != nil {
			return out, err
		}
		out.Findings.add(chs, len(b.ms), nil)
		out.Changes = append(out.Changes, chs...)
	}
	return out, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func fixedOf(r scan.Result) string {
	if r.Package != nil {
		return r.Package.Fixed
	}
	return ""
}

// known returns the primary id of the first of ids vmc holds a
// vulnerability for, remembering each answer in seen: a report names the
// same vulnerabilities many times over.
func (m *Matcher) known(ctx context.Context, ids []string, seen map[string]string) (string, error) {
	for _, id := range ids {
		if !advisory.ValidID(id) {
			continue
		}
		p, ok := seen[id]
		if !ok {
			v, err := m.Store.Vuln(ctx, id, store.VulnOptions{})
			switch {
			case err == nil:
				p = v.ID
			case !errors.Is(err, store.ErrNotFound):
				return "", err
			}
			seen[id] = p
		}
		if p != "" {
			return p, nil
		}
	}
	return "", nil
}

// place finds or creates the asset a target is on. Without a given
// asset, a target goes to the existing asset named like its FQDN, its IP
// address, its URL or its name, tried in that order (host names ignoring
// case); else a new asset of the target's kind is created under the first
// of those the target has.
func (m *Matcher) place(ctx context.Context, t scan.Target, given string) (asset.Asset, string, error) {
	if given != "" {
		a, err := m.Store.Asset(ctx, given)
		if errors.Is(err, store.ErrNotFound) {
			a, err = m.Store.PutAsset(ctx, asset.Asset{Name: given, Kind: kindOf(t)})
		}
		return a, "given", err
	}
	candidates := []struct{ rule, name string }{{"fqdn", t.FQDN}, {"ip", t.IP}, {"url", t.URL}, {"name", t.Name}}
	for _, c := range candidates {
		if c.name == "" {
			continue
		}
		for _, n := range []string{c.name, strings.ToLower(c.name)} {
			a, err := m.Store.Asset(ctx, n)
			if err == nil {
				return a, c.rule, nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return asset.Asset{}, "", err
			}
		}
	}
	for _, c := range candidates {
		if c.name != "" {
			a, err := m.Store.PutAsset(ctx, asset.Asset{Name: c.name, Kind: kindOf(t)})
			return a, "created", err
		}
	}
	return asset.Asset{}, "", errors.New("the report does not name the target: import it with an asset named")
}

func kindOf(t scan.Target) asset.Kind {
	switch t.Kind {
	case scan.TargetHost:
		return asset.KindHost
	case scan.TargetImage:
		return asset.KindImage
	}
	return asset.KindApplication
}

var portLike = regexp.MustCompile(`^\d{1,5}/(tcp|udp|sctp)$`)

// component is what a result is about on its asset: the package it names
// (in OSV's ecosystem, from its purl when the tool gave no ecosystem) or,
// for results on no package, the place on the target — the port of a
// host, a source file, or the web application as a whole — so that two
// tools reporting the same vulnerability there meet on one finding.
func component(t scan.Target, r scan.Result) asset.Component {
	if p := r.Package; p != nil && p.Name != "" {
		c := asset.Component{Ecosystem: p.Ecosystem, Name: p.Name, Version: p.Version, PURL: p.PURL}
		if c.Ecosystem == "" && c.PURL != "" {
			if eco, name, _, err := ecosystem.FromPURL(c.PURL); err == nil {
				c.Ecosystem, c.Name = eco, name
			}
		}
		return c
	}
	switch {
	case t.Kind == scan.TargetHost && portLike.MatchString(r.Location):
		return asset.Component{Name: r.Location}
	case t.Kind == scan.TargetHost:
		return asset.Component{Name: "host"}
	case t.Kind == scan.TargetSource && r.Location != "":
		file, _, _ := strings.Cut(r.Location, ":")
		return asset.Component{Name: file}
	}
	return asset.Component{Name: string(cmpOrKind(t.Kind))}
}

func cmpOrKind(k scan.TargetKind) scan.TargetKind {
	if k == "" {
		return scan.TargetSource
	}
	return k
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// toolRecord is a vulnerability vmc learns from a tool's report: its
// identifiers (or, for a result naming none, the tool's check as
// "<TOOL>-<rule>"), title, description, CWEs and CVSS, with the tool as
// the source, so the finding has a record to refer to and the merged view
// shows where it came from.
func toolRecord(tool string, r scan.Result) advisory.Record {
	rec := advisory.Record{Source: tool}
	for _, id := range r.IDs {
		if !advisory.ValidID(id) {
			continue
		}
		if rec.ID == "" {
			rec.ID = id
		} else {
			rec.Aliases = append(rec.Aliases, id)
		}
	}
	if rec.ID == "" {
		rule := strings.Trim(unsafeID.ReplaceAllString(r.Rule, "-"), "-")
		if rule == "" {
			rule = strings.Trim(unsafeID.ReplaceAllString(r.Title, "-"), "-")
		}
		rec.ID = strings.ToUpper(tool) + "-" + rule
		if len(rec.ID) > 128 || !advisory.ValidID(rec.ID) {
			h := fnv.New32a()
			io.WriteString(h, r.Rule+"\x00"+r.Title)
			rec.ID = fmt.Sprintf("%s-%x", strings.ToUpper(tool), h.Sum32())
		}
	}
	if r.Title != "" {
		rec.Titles = []advisory.Text{{Lang: "en", Value: r.Title}}
	}
	if r.Description != "" {
		rec.Descriptions = []advisory.Text{{Lang: "en", Value: r.Description}}
	}
	for _, n := range r.CWEs {
		rec.CWEs = append(rec.CWEs, advisory.CWE{ID: fmt.Sprintf("CWE-%d", n)})
	}
	switch t, ok := cvssType(r.Vector); {
	case ok:
		rec.Severities = []advisory.Severity{{Type: t, Vector: r.Vector, Score: r.Score}}
	case r.Severity == scan.SevCritical, r.Severity == scan.SevHigh, r.Severity == scan.SevMedium, r.Severity == scan.SevLow:
		// The tool's rating on vmc's scale, which sets the priority when
		// nothing scores a vector.
		rec.Severities = []advisory.Severity{{Type: advisory.RatingOther, Rating: strings.ToUpper(string(r.Severity)), Provider: tool}}
	}
	for _, u := range r.References {
		rec.References = append(rec.References, advisory.Reference{Type: "WEB", URL: u})
	}
	return rec
}

func cvssType(vector string) (advisory.SeverityType, bool) {
	switch {
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		return advisory.CVSSv40, true
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		return advisory.CVSSv31, true
	case strings.HasPrefix(vector, "CVSS:3.0/"):
		return advisory.CVSSv30, true
	case strings.HasPrefix(vector, "AV:"):
		return advisory.CVSSv2, true
	}
	return "", false
}
