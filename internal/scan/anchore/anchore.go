package anchore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
)

// Sniff reports whether head is one of Anchore's vulnerability reports:
//   - Anchore Engine: an object with "vulnerabilities" and one of
//     "imageDigest", "image_digest" or "vulnerability_type" (Snyk's
//     reports have "vulnerabilities" but none of these), or starting
//     with vulnerabilities that have feed_group and package_name;
//   - Anchore Enterprise's newer report: "securityEvaluation" beside
//     "metadata";
//   - anchorectl: an array whose first entry has "vuln" and "feedGroup".
func Sniff(head []byte) bool {
	keys := feed.TopKeys(head)
	switch jsonstream.HeadStart(head) {
	case '{':
		if slices.Contains(keys, "securityEvaluation") {
			return true
		}
		if !slices.Contains(keys, "vulnerabilities") {
			return false
		}
		if slices.Contains(keys, "imageDigest") || slices.Contains(keys, "image_digest") || slices.Contains(keys, "vulnerability_type") {
			return true
		}
		// A long list written first pushes the image keys past the head;
		// then its entries must be the engine's.
		return keys[0] == "vulnerabilities" && bytes.Contains(head, []byte(`"feed_group"`)) && bytes.Contains(head, []byte(`"package_name"`))
	case '[':
		return slices.Contains(keys, "vuln") && slices.Contains(keys, "feedGroup")
	}
	return false
}

// engineVuln is an entry of Anchore Engine's vulnerabilities list
// (GET /images/{digest}/vuln/all, `anchore-cli --json image vuln`), and,
// with camel-case names, of anchorectl's list: both tags are given.
type engineVuln struct {
	Vuln             string     `json:"vuln"`
	Severity         string     `json:"severity"`
	URL              string     `json:"url"`
	Fix              string     `json:"fix"`
	Feed             string     `json:"feed"`
	FeedGroup        string     `json:"feed_group"`
	FeedGroupCamel   string     `json:"feedGroup"`
	PackageName      string     `json:"package_name"`
	PackageNameCamel string     `json:"packageName"`
	PackageVersion   string     `json:"package_version"`
	PackageVerCamel  string     `json:"packageVersion"`
	PackageType      string     `json:"package_type"`
	PackageTypeCamel string     `json:"packageType"`
	PackagePath      string     `json:"package_path"`
	PackagePathCamel string     `json:"packagePath"`
	NVDData          []cvssData `json:"nvd_data"`
	NVDDataCamel     []cvssData `json:"nvdData"`
	VendorData       []cvssData `json:"vendor_data"`
	VendorDataCamel  []cvssData `json:"vendorData"`
	Inherited        bool       `json:"inherited_from_base"`
	Extra            *struct {
		Description string     `json:"description"`
		NVDData     []cvssData `json:"nvd_data"`
		VendorData  []cvssData `json:"vendor_data"`
	} `json:"extra"`
}

// cvssData is an nvd_data or vendor_data entry: base scores (-1 for none)
// and, in the engine's extra block, vectors.
type cvssData struct {
	ID     string     `json:"id"`
	CVSSV2 *cvssScore `json:"cvss_v2"`
	CVSSV3 *cvssScore `json:"cvss_v3"`
	V2     *cvssScore `json:"cvssV2"`
	V3     *cvssScore `json:"cvssV3"`
}

type cvssScore struct {
	BaseScore      *float64 `json:"base_score"`
	BaseScoreCamel *float64 `json:"baseScore"`
	VectorString   string   `json:"vector_string"`
	BaseMetrics    *struct {
		BaseScore *float64 `json:"base_score"`
	} `json:"base_metrics"`
}

// evaluation is an entry of the newer report's securityEvaluation list.
type evaluation struct {
	VulnerabilityID  string          `json:"vulnerabilityId"`
	CVEs             string          `json:"cves"`
	Severity         string          `json:"severity"`
	DetectedAt       string          `json:"detectedAt"`
	PackageType      string          `json:"packageType"`
	Path             string          `json:"path"`
	Package          string          `json:"package"`
	FixAvailable     string          `json:"fixAvailable"`
	Link             string          `json:"link"`
	NVDCVSSBaseScore json.RawMessage `json:"nvdCvssBaseScore"`
}

type metadata struct {
	Registry    string `json:"registry"`
	Repository  string `json:"repository"`
	Tag         string `json:"tag"`
	ImageDigest string `json:"imageDigest"`
	Timestamp   string `json:"timestamp"`
}

// Parse reads an Anchore vulnerability report in any of the three shapes
// Sniff describes. The list of vulnerabilities is streamed.
func Parse(r io.Reader) (*scan.Report, error) {
	rd, c, err := jsonstream.Open(r, jsonstream.Doc{Starts: "{[", Want: "a JSON object or array (Anchore report)", Empty: "Anchore writes a JSON document even when it finds nothing"})
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: "anchore"}
	tgt := scan.Target{Kind: scan.TargetImage}
	var results []scan.Result
	if c == '[' {
		// anchorectl: a bare list; the image is not named in it.
		err := rd.Array(func(i int) error {
			r, err := readEngine(rd, fmt.Sprintf("[%d]", i), &tgt)
			results = append(results, r)
			return err
		})
		if err != nil {
			return nil, jsonstream.Located(err, "", "")
		}
	} else {
		var fullTag, digest string
		var meta *metadata
		err := rd.Object(func(key string) error {
			var err error
			switch key {
			case "vulnerabilities":
				return jsonstream.Located(rd.Array(func(i int) error {
					r, err := readEngine(rd, fmt.Sprintf("vulnerabilities[%d]", i), &tgt)
					results = append(results, r)
					return err
				}), "report", key)
			case "securityEvaluation":
				return jsonstream.Located(rd.Array(func(i int) error {
					r, err := readEvaluation(rd, i)
					results = append(results, r)
					return err
				}), "report", key)
			case "imageDigest", "image_digest":
				err = rd.Decode(&digest)
			case "imageFullTag":
				err = rd.Decode(&fullTag)
			case "metadata":
				meta = &metadata{}
				err = rd.Decode(meta)
			default:
				err = rd.Skip()
			}
			return jsonstream.Located(err, "report", key)
		})
		if err != nil {
			return nil, jsonstream.Located(err, "report", "")
		}
		tgt.Name, tgt.Digest = fullTag, digest
		if meta != nil {
			tgt.Name = imageRef(meta)
			if meta.ImageDigest != "" {
				tgt.Digest = meta.ImageDigest
			}
			t, err := jsonstream.ParseTime(meta.Timestamp)
			if err != nil {
				return nil, feed.Errorf("report", "metadata.timestamp", "%v", err)
			}
			rep.Finished = t
		}
	}
	if err := rd.End(); err != nil {
		return nil, jsonstream.Located(err, "", "")
	}
	rep.Target(tgt)
	rep.Results = results
	return rep, nil
}

// imageRef joins registry, repository and tag: "docker.io/myimage:new".
func imageRef(m *metadata) string {
	ref := m.Repository
	if m.Registry != "" && ref != "" {
		ref = m.Registry + "/" + ref
	}
	if m.Tag != "" && ref != "" {
		ref += ":" + m.Tag
	}
	return ref
}

// absent is what Anchore writes for "no value".
func absent(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "None", "N/A", "none":
		return true
	}
	return false
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// readEngine reads one entry of the engine's or anchorectl's list; the
// first distribution feed group ("rhel:8") gives the image's OS.
func readEngine(rd *jsonstream.Reader, pos string, tgt *scan.Target) (scan.Result, error) {
	raw, err := rd.Raw()
	if err != nil {
		return scan.Result{}, jsonstream.Located(err, pos, "")
	}
	var v engineVuln
	err = jsonstream.Unmarshal(raw, &v)
	name, err := jsonstream.Named(pos, v.Vuln, "vuln", err)
	if err != nil {
		return scan.Result{}, err
	}
	out := scan.Result{
		Rule:         v.Vuln,
		Severity:     scan.ParseSeverity(v.Severity),
		ToolSeverity: v.Severity,
	}
	out.AddID(v.Vuln)
	group := or(v.FeedGroup, v.FeedGroupCamel)
	typ := or(v.PackageType, v.PackageTypeCamel)
	pkg := &scan.Package{
		Name:      or(v.PackageName, v.PackageNameCamel),
		Version:   or(v.PackageVersion, v.PackageVerCamel),
		Ecosystem: packageEcosystem(typ, group),
	}
	if p := or(v.PackagePath, v.PackagePathCamel); !absent(p) && p != "pkgdb" {
		pkg.Path, out.Location = p, p
	}
	if !absent(v.Fix) {
		pkg.Fixed = v.Fix
		out.Solution = "Upgrade " + pkg.Name + " to " + v.Fix
	}
	out.Package = pkg
	if osTypes[strings.ToLower(typ)] && tgt.OS == "" {
		tgt.OS = strings.Replace(group, ":", " ", 1)
	}
	lists := [][]cvssData{v.NVDData, v.NVDDataCamel, v.VendorData, v.VendorDataCamel}
	if v.Extra != nil {
		out.Description = v.Extra.Description
		// The extra block repeats the scores with their vectors.
		lists = append([][]cvssData{v.Extra.NVDData, v.Extra.VendorData}, lists...)
	}
	for _, l := range lists {
		for _, d := range l {
			out.AddID(d.ID)
		}
	}
	if err := pickCVSS(&out, lists); err != nil {
		return out, jsonstream.Located(err, name, "")
	}
	if !absent(v.URL) {
		out.References = []string{v.URL}
	}
	if v.Inherited {
		out.Evidence = "inherited from the base image"
	}
	return out, nil
}

// pickCVSS takes the first v3 score, else the first v2 score, from the
// lists in order (the engine's extra nvd_data, with vectors, first). -1 is
// Anchore's "no score".
func pickCVSS(out *scan.Result, lists [][]cvssData) error {
	for _, v3 := range []bool{true, false} {
		for _, l := range lists {
			for _, d := range l {
				c := d.CVSSV2
				if c == nil {
					c = d.V2
				}
				if v3 {
					c = d.CVSSV3
					if c == nil {
						c = d.V3
					}
				}
				if c == nil {
					continue
				}
				s := c.BaseScore
				if s == nil {
					s = c.BaseScoreCamel
				}
				if s == nil && c.BaseMetrics != nil {
					s = c.BaseMetrics.BaseScore
				}
				if s == nil || *s == -1 {
					continue
				}
				f, err := jsonstream.Score(*s)
				if err != nil {
					return err
				}
				out.Score, out.Vector = f, c.VectorString
				return nil
			}
		}
	}
	return nil
}

// readEvaluation reads securityEvaluation[i].
func readEvaluation(rd *jsonstream.Reader, i int) (scan.Result, error) {
	name := fmt.Sprintf("securityEvaluation[%d]", i)
	raw, err := rd.Raw()
	if err != nil {
		return scan.Result{}, jsonstream.Located(err, name, "")
	}
	var e evaluation
	err = jsonstream.Unmarshal(raw, &e)
	name, err = jsonstream.Named(name, e.VulnerabilityID, "vulnerabilityId", err)
	if err != nil {
		return scan.Result{}, err
	}
	out := scan.Result{
		Rule:         e.VulnerabilityID,
		Severity:     scan.ParseSeverity(e.Severity),
		ToolSeverity: e.Severity,
	}
	out.AddID(e.VulnerabilityID)
	for id := range strings.SplitSeq(e.CVEs, ",") {
		out.AddID(id)
	}
	pkgName, pkgVersion := splitPackage(e.Package, e.PackageType)
	pkg := &scan.Package{Name: pkgName, Version: pkgVersion, Ecosystem: packageEcosystem(e.PackageType, "")}
	if !absent(e.Path) && e.Path != "pkgdb" {
		pkg.Path, out.Location = e.Path, e.Path
	}
	if !absent(e.FixAvailable) {
		pkg.Fixed = e.FixAvailable
		out.Solution = "Upgrade " + pkgName + " to " + e.FixAvailable
	}
	out.Package = pkg
	switch k := jsonstream.KindOf(e.NVDCVSSBaseScore); k {
	case "number":
		var f float64
		if err := jsonstream.Unmarshal(e.NVDCVSSBaseScore, &f); err != nil {
			return out, jsonstream.Located(err, name, "nvdCvssBaseScore")
		}
		s, err := jsonstream.Score(f)
		if err != nil {
			return out, feed.Errorf(name, "nvdCvssBaseScore", "%v", err)
		}
		out.Score = s
	case "string":
		var s string
		_ = json.Unmarshal(e.NVDCVSSBaseScore, &s)
		if !absent(s) {
			f, err := jsonstream.ParseScore(s)
			if err != nil {
				return out, feed.Errorf(name, "nvdCvssBaseScore", "%v", err)
			}
			out.Score = f
		}
	case "nothing", "null":
	default:
		return out, feed.Errorf(name, "nvdCvssBaseScore", "got JSON %s, want number or string", k)
	}
	if !absent(e.Link) {
		out.References = []string{e.Link}
	}
	return out, nil
}

// splitPackage splits the newer report's "name-version" package string.
// An RPM is name-[epoch:]version-release, split at its last two dashes
// ("java-11-openjdk-headless-1:11.0.25.0.9-2.el8"); anything else at the
// last dash before a digit ("tomcat-annotations-api-9.0.97").
func splitPackage(s, typ string) (name, version string) {
	if strings.EqualFold(typ, "rpm") {
		if i := strings.LastIndexByte(s, '-'); i > 0 {
			if j := strings.LastIndexByte(s[:i], '-'); j > 0 {
				return s[:j], s[j+1:]
			}
		}
		return s, ""
	}
	for i := len(s) - 2; i > 0; i-- {
		if s[i] == '-' && s[i+1] >= '0' && s[i+1] <= '9' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// osTypes are Anchore's distribution package types.
var osTypes = map[string]bool{"rpm": true, "dpkg": true, "apkg": true, "apk": true, "deb": true}

// packageEcosystem maps Anchore's package type, and for distribution
// packages its feed group ("rhel:8", "debian:9"), to an OSV ecosystem;
// "" when there is none (a distribution package without its feed group).
func packageEcosystem(typ, group string) string {
	t := strings.ToLower(typ)
	if osTypes[t] {
		id, ver, ok := strings.Cut(group, ":")
		if !ok {
			return ""
		}
		switch id {
		case "ol", "amzn":
			return "" // Oracle Linux and Amazon Linux have no OSV ecosystem
		}
		e, err := ecosystem.FromDistro(id, ver)
		if err != nil {
			return ""
		}
		return e.String()
	}
	return langEcosystems[t]
}

// langEcosystems maps Anchore's language package types to OSV ecosystems.
var langEcosystems = map[string]string{
	"java": "Maven", "python": "PyPI", "npm": "npm", "gem": "RubyGems", "go": "Go",
	"nuget": "NuGet", "binary": "",
}
