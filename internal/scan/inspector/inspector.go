package inspector

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
)

// Sniff reports whether head is an Amazon Inspector (v2) findings list:
// an object with "findings" whose entries have "findingArn" or
// "awsAccountId", or, when the list is empty, nothing else but
// "nextToken". AWS Security Hub's ASFF writes "Findings", capitalised.
func Sniff(head []byte) bool {
	keys := jsonstream.HeadKeys(head, "{")
	if !slices.Contains(keys, "findings") {
		return false
	}
	if bytes.Contains(head, []byte(`"findingArn"`)) || bytes.Contains(head, []byte(`"awsAccountId"`)) {
		return true
	}
	for _, k := range keys {
		if k != "findings" && k != "nextToken" {
			return false
		}
	}
	return true
}

// The types mirror the Inspector2 API's Finding
// (https://docs.aws.amazon.com/inspector/v2/APIReference/API_Finding.html).

type finding struct {
	FindingArn     string   `json:"findingArn"`
	Type           string   `json:"type"` // PACKAGE_VULNERABILITY, CODE_VULNERABILITY, NETWORK_REACHABILITY
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	Severity       string   `json:"severity"`
	Status         string   `json:"status"` // ACTIVE, SUPPRESSED, CLOSED
	InspectorScore *float64 `json:"inspectorScore"`
	ScoreDetails   *struct {
		AdjustedCvss struct {
			Score         *float64 `json:"score"`
			ScoringVector string   `json:"scoringVector"`
		} `json:"adjustedCvss"`
	} `json:"inspectorScoreDetails"`
	Remediation struct {
		Recommendation struct {
			Text string `json:"text"`
			URL  string `json:"Url"`
		} `json:"recommendation"`
	} `json:"remediation"`
	Resources []resource `json:"resources"`
	Package   *struct {
		VulnerabilityID        string   `json:"vulnerabilityId"`
		RelatedVulnerabilities []string `json:"relatedVulnerabilities"`
		SourceURL              string   `json:"sourceUrl"`
		ReferenceURLs          []string `json:"referenceUrls"`
		VendorSeverity         string   `json:"vendorSeverity"`
		CVSS                   []struct {
			BaseScore     float64 `json:"baseScore"`
			ScoringVector string  `json:"scoringVector"`
			Version       string  `json:"version"`
			Source        string  `json:"source"`
		} `json:"cvss"`
		VulnerablePackages []vulnerablePackage `json:"vulnerablePackages"`
	} `json:"packageVulnerabilityDetails"`
	Code *struct {
		FilePath struct {
			FilePath  string `json:"filePath"`
			StartLine int    `json:"startLine"`
		} `json:"filePath"`
		DetectorID    string   `json:"detectorId"`
		DetectorName  string   `json:"detectorName"`
		RuleID        string   `json:"ruleId"`
		CWEs          []string `json:"cwes"`
		ReferenceURLs []string `json:"referenceUrls"`
	} `json:"codeVulnerabilityDetails"`
	Network *struct {
		OpenPortRange struct {
			Begin int `json:"begin"`
			End   int `json:"end"`
		} `json:"openPortRange"`
		Protocol string `json:"protocol"`
	} `json:"networkReachabilityDetails"`
}

type vulnerablePackage struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	Release        string `json:"release"`
	Epoch          int    `json:"epoch"`
	PackageManager string `json:"packageManager"`
	FilePath       string `json:"filePath"`
	FixedInVersion string `json:"fixedInVersion"`
	Remediation    string `json:"remediation"`
}

type resource struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Region  string `json:"region"`
	Details struct {
		Image *struct {
			ImageHash      string   `json:"imageHash"`
			ImageTags      []string `json:"imageTags"`
			Platform       string   `json:"platform"`
			Registry       string   `json:"registry"`
			RepositoryName string   `json:"repositoryName"`
		} `json:"awsEcrContainerImage"`
		Instance *struct {
			IPv4     []string `json:"ipV4Addresses"`
			IPv6     []string `json:"ipV6Addresses"`
			Platform string   `json:"platform"`
		} `json:"awsEc2Instance"`
	} `json:"details"`
}

// Parse reads an Inspector2 findings list (the ListFindings response,
// `aws inspector2 list-findings`, or the console's JSON export). The
// findings are streamed.
func Parse(r io.Reader) (*scan.Report, error) {
	rd, _, err := jsonstream.Open(r, jsonstream.Doc{Starts: "{", Want: "a JSON object (Inspector findings)", Empty: "an Inspector findings list is a JSON object"})
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: "inspector"}
	targets := scan.NewTargets[scan.Target](rep)
	err = rd.Object(func(key string) error {
		if key != "findings" {
			return jsonstream.Located(rd.Skip(), "report", key)
		}
		return jsonstream.Located(rd.Array(func(i int) error { return readFinding(rd, rep, targets, i) }), "report", key)
	})
	if err != nil {
		return nil, jsonstream.Located(err, "report", "")
	}
	if err := rd.End(); err != nil {
		return nil, jsonstream.Located(err, "", "")
	}
	return rep, nil
}

// readFinding reads findings[i]: one result per resource and vulnerable
// package.
func readFinding(rd *jsonstream.Reader, rep *scan.Report, targets *scan.Targets[scan.Target], i int) error {
	name := fmt.Sprintf("findings[%d]", i)
	raw, err := rd.Raw()
	if err != nil {
		return jsonstream.Located(err, name, "")
	}
	var f finding
	err = jsonstream.Unmarshal(raw, &f)
	id := f.Title
	if f.Package != nil && f.Package.VulnerabilityID != "" {
		id = f.Package.VulnerabilityID
	}
	name, err = jsonstream.Named(name, id, "", err)
	if err != nil {
		return err
	}
	switch strings.ToUpper(f.Status) {
	case "CLOSED", "SUPPRESSED":
		// Closed: Inspector no longer finds it. Suppressed: a rule of the
		// user's hides it.
		return nil
	}
	base := scan.Result{
		Title:        f.Title,
		Severity:     scan.ParseSeverity(f.Severity),
		ToolSeverity: f.Severity,
		Description:  strings.TrimSpace(f.Description),
	}
	if t := f.Remediation.Recommendation.Text; t != "" && t != "None Provided" {
		base.Solution = t
	}
	var pkgs []vulnerablePackage
	switch {
	case f.Package != nil:
		p := f.Package
		if p.VulnerabilityID == "" {
			return feed.Errorf(name, "packageVulnerabilityDetails.vulnerabilityId", "missing")
		}
		base.Rule = p.VulnerabilityID
		base.AddID(p.VulnerabilityID)
		for _, rel := range p.RelatedVulnerabilities {
			base.AddID(rel)
		}
		rank := 0
		for k, c := range p.CVSS {
			s, err := jsonstream.Score(c.BaseScore)
			if err != nil {
				return feed.Errorf(name, fmt.Sprintf("packageVulnerabilityDetails.cvss[%d].baseScore", k), "%v", err)
			}
			if r := cvssRank(c.Version); r > rank {
				rank, base.Score, base.Vector = r, s, c.ScoringVector
			}
		}
		base.References = appendNew(base.References, p.SourceURL)
		base.References = appendNew(base.References, p.ReferenceURLs...)
		pkgs = p.VulnerablePackages
	case f.Code != nil:
		c := f.Code
		base.Rule = c.DetectorID
		if base.Rule == "" {
			base.Rule = c.RuleID
		}
		for k, cwe := range c.CWEs {
			n, err := scan.ParseCWE(cwe)
			if err != nil {
				return feed.Errorf(name, fmt.Sprintf("codeVulnerabilityDetails.cwes[%d]", k), "%v", err)
			}
			base.AddCWE(n)
		}
		base.Location = c.FilePath.FilePath
		if c.FilePath.StartLine > 0 {
			base.Location += ":" + strconv.Itoa(c.FilePath.StartLine)
		}
		base.References = appendNew(base.References, c.ReferenceURLs...)
	case f.Network != nil:
		n := f.Network
		base.Rule = f.Type
		base.Location = fmt.Sprintf("%d-%d/%s", n.OpenPortRange.Begin, n.OpenPortRange.End, strings.ToLower(n.Protocol))
		if n.OpenPortRange.Begin == n.OpenPortRange.End {
			base.Location = fmt.Sprintf("%d/%s", n.OpenPortRange.Begin, strings.ToLower(n.Protocol))
		}
	default:
		base.Rule = f.Type
	}
	if base.Rule == "" {
		return feed.Errorf(name, "type", "no vulnerability id, detector or finding type")
	}
	if base.Score == 0 && base.Vector == "" {
		// Inspector's own score, adjusted to the resource, when no CVSS
		// is listed.
		if d := f.ScoreDetails; d != nil && d.AdjustedCvss.Score != nil {
			s, err := jsonstream.Score(*d.AdjustedCvss.Score)
			if err != nil {
				return feed.Errorf(name, "inspectorScoreDetails.adjustedCvss.score", "%v", err)
			}
			base.Score, base.Vector = s, d.AdjustedCvss.ScoringVector
		}
	}
	base.References = appendNew(base.References, f.Remediation.Recommendation.URL)
	for _, res := range f.Resources {
		tgt, os := target(res)
		t := targets.Index(tgt, func() scan.Target { return tgt })
		if len(pkgs) == 0 {
			out := base
			out.Target = t
			rep.Results = append(rep.Results, out)
			continue
		}
		seen := map[vulnerablePackage]bool{}
		for _, vp := range pkgs {
			if seen[vp] {
				continue
			}
			seen[vp] = true
			out := base
			out.Target = t
			out.IDs = slices.Clone(base.IDs)
			out.References = slices.Clone(base.References)
			out.Package = pkg(vp, os)
			out.Location = vp.FilePath
			if out.Solution == "" {
				switch {
				case vp.Remediation != "" && vp.Remediation != "NotAvailable":
					out.Solution = vp.Remediation
				case out.Package.Fixed != "":
					out.Solution = "Upgrade " + vp.Name + " to " + out.Package.Fixed
				}
			}
			rep.Results = append(rep.Results, out)
		}
	}
	return nil
}

func appendNew(list []string, add ...string) []string {
	for _, s := range add {
		if s != "" && !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

func cvssRank(version string) int {
	switch {
	case strings.HasPrefix(version, "4"):
		return 4
	case version == "3.1":
		return 3
	case strings.HasPrefix(version, "3"):
		return 2
	}
	return 1
}

// target is the resource a finding is on: an ECR image (by its registry
// reference and digest), an EC2 instance (a host, by instance id, with its
// first IPv4 address), or any other resource (a Lambda function, …) as a
// source target by its ARN. os is the resource's platform ("DEBIAN_10"),
// for the ecosystem of its OS packages.
func target(res resource) (scan.Target, string) {
	switch {
	case res.Details.Image != nil:
		img := res.Details.Image
		name := img.RepositoryName
		if img.Registry != "" && res.Region != "" {
			name = img.Registry + ".dkr.ecr." + res.Region + ".amazonaws.com/" + name
		}
		if len(img.ImageTags) > 0 {
			name += ":" + img.ImageTags[0]
		}
		return scan.Target{Kind: scan.TargetImage, Name: name, Digest: img.ImageHash, OS: img.Platform}, img.Platform
	case res.Details.Instance != nil:
		in := res.Details.Instance
		t := scan.Target{Kind: scan.TargetHost, Name: res.ID, OS: in.Platform}
		if len(in.IPv4) > 0 {
			t.IP = in.IPv4[0]
		} else if len(in.IPv6) > 0 {
			t.IP = in.IPv6[0]
		}
		return t, in.Platform
	}
	// A Lambda function is code, mapped to an application by its ARN;
	// scan has no kind for cloud resources.
	return scan.Target{Kind: scan.TargetSource, Name: res.ID}, ""
}

// pkg maps a vulnerable package. Inspector splits an OS package's version
// into epoch, version and release; vmc writes them as the package
// manager does: [epoch:]version-release.
func pkg(vp vulnerablePackage, platform string) *scan.Package {
	v := vp.Version
	if vp.Release != "" {
		v += "-" + vp.Release
	}
	if vp.Epoch > 0 {
		v = strconv.Itoa(vp.Epoch) + ":" + v
	}
	p := &scan.Package{Name: vp.Name, Version: v, Path: vp.FilePath}
	if vp.FixedInVersion != "NotAvailable" {
		p.Fixed = vp.FixedInVersion
	}
	switch {
	case strings.EqualFold(vp.PackageManager, "OS"):
		p.Ecosystem = platformEcosystem(platform)
	case strings.EqualFold(vp.PackageManager, "GENERIC") && vp.Name == "go/stdlib":
		// Go's standard library, found in a binary: OSV's Go ecosystem
		// calls it "stdlib".
		p.Ecosystem, p.Name = "Go", "stdlib"
	default:
		p.Ecosystem = managers[strings.ToUpper(vp.PackageManager)]
	}
	return p
}

// platformEcosystem maps an Inspector platform ("DEBIAN_10", "CENTOS_7",
// "UBUNTU_22_04", "ALPINE_LINUX_3_17") to an OSV ecosystem; Amazon Linux,
// Windows and the rest have none.
func platformEcosystem(platform string) string {
	p := strings.ToLower(platform)
	for _, d := range []struct{ prefix, id string }{
		{"debian_", "debian"}, {"ubuntu_", "ubuntu"}, {"centos_", "centos"}, {"rhel_", "rhel"},
		{"alpine_linux_", "alpine"}, {"alma_linux_", "almalinux"}, {"rocky_linux_", "rocky"},
		{"opensuse_leap_", "opensuse-leap"}, {"suse_", "sles"},
	} {
		if rel, ok := strings.CutPrefix(p, d.prefix); ok {
			e, err := ecosystem.FromDistro(d.id, strings.ReplaceAll(rel, "_", "."))
			if err != nil {
				return ""
			}
			return e.String()
		}
	}
	return ""
}

// managers maps Inspector's language package managers to OSV ecosystems.
var managers = map[string]string{
	"BUNDLER": "RubyGems", "GEMSPEC": "RubyGems", "CARGO": "crates.io", "COMPOSER": "Packagist",
	"NPM": "npm", "YARN": "npm", "NODEPKG": "npm", "NUGET": "NuGet", "DOTNET_CORE": "NuGet",
	"PIP": "PyPI", "PIPENV": "PyPI", "POETRY": "PyPI", "PYTHON": "PyPI", "PYTHONPKG": "PyPI",
	"GOBINARY": "Go", "GOMOD": "Go", "GO": "Go", "JAR": "Maven", "POM": "Maven",
}
