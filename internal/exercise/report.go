package exercise

import (
	"net"
	"regexp"
	"strings"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/scan"
)

// AssetReport is what an exercise reports about one asset, as a tool's
// report: importing it (with the asset named, so placement is explicit)
// reconciles the asset's findings with the exercise's results.
type AssetReport struct {
	Asset  string
	Report *scan.Report
}

// Reports turns an exercise's manual findings into its results, one
// report per asset a finding is on, in the order the assets first appear.
// Every finding still standing (see ManualFinding.Open) is a result; a
// finding retested fixed is not, so the import that follows the retest
// takes the exercise's evidence off the vmc finding and resolves it when
// no other tool still reports it. An asset whose findings are all fixed
// still gets a report, with a target and no results, for that reason.
//
// A result's place on its asset follows its location, the way scanners'
// results are placed, so that the exercise and a scanner reporting the
// same vulnerability there meet on one finding: "443/tcp" is a port of a
// host, a URL the web application, "src/app.py:12" a source file; with
// no such location, the asset as a whole as its kind (kindOf; nil counts
// every asset an application). A finding naming a package (a purl) is
// about that package, and meets vmc's own match of the inventory.
func Reports(e Exercise, fs []ManualFinding, kindOf func(name string) asset.Kind) []AssetReport {
	var out []AssetReport
	index := map[string]int{}
	kinds := map[string]scan.TargetKind{}
	for _, f := range fs {
		i, ok := index[f.Asset]
		if !ok {
			i = len(out)
			index[f.Asset] = i
			kinds[f.Asset] = defaultKind(f.Asset, kindOf)
			out = append(out, AssetReport{Asset: f.Asset, Report: &scan.Report{Tool: e.Tool(), Started: e.Start}})
			// The asset's target, present even when nothing is left
			// standing on it.
			out[i].Report.Target(scan.Target{Kind: kinds[f.Asset], Name: f.Asset})
		}
		kind := kinds[f.Asset]
		if !f.Open() {
			continue
		}
		rep := out[i].Report
		r := scan.Result{
			Target: rep.Target(scan.Target{Kind: targetKind(f.Location, kind), Name: f.Asset}),
			Rule:   f.Rule(), Title: f.Title, Severity: f.Severity, ToolSeverity: string(f.Severity),
			Score: f.Score, Vector: f.CVSS, Location: f.Location, Description: f.Description,
			Evidence: scan.Shorten(f.StepsToReproduce),
		}
		for _, id := range f.Vulns {
			r.AddID(id)
		}
		for _, n := range f.CWEs {
			r.AddCWE(n)
		}
		if f.Package != "" {
			if eco, name, version, err := ecosystem.FromPURL(f.Package); err == nil {
				r.Package = &scan.Package{Ecosystem: eco, Name: name, Version: version, PURL: f.Package}
			}
		}
		rep.Results = append(rep.Results, r)
	}
	return out
}

func defaultKind(name string, kindOf func(string) asset.Kind) scan.TargetKind {
	var k asset.Kind
	if kindOf != nil {
		k = kindOf(name)
	}
	switch k {
	case asset.KindHost:
		return scan.TargetHost
	case asset.KindImage:
		return scan.TargetImage
	}
	return scan.TargetWeb
}

var portLike = regexp.MustCompile(`^\d{1,5}/(tcp|udp|sctp)$`)

// targetKind is the kind of target a location is on.
func targetKind(loc string, def scan.TargetKind) scan.TargetKind {
	loc = strings.TrimSpace(loc)
	switch {
	case loc == "":
		return def
	case portLike.MatchString(loc):
		return scan.TargetHost
	case strings.HasPrefix(loc, "http://") || strings.HasPrefix(loc, "https://"):
		return scan.TargetWeb
	case strings.Contains(loc, "/"):
		return scan.TargetSource // a path, perhaps with ":line"
	}
	if _, port, err := net.SplitHostPort(loc); err == nil && port != "" && strings.Trim(port, "0123456789") == "" {
		return scan.TargetHost
	}
	return def
}
