package depcheck

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

type counts struct {
	scantest.Tally
	// WithEcosystem counts results whose package has an OSV ecosystem;
	// WithPURL those with a purl.
	WithEcosystem, WithPURL, WithCVE int
}

func count(rep *scan.Report) counts {
	return counts{scantest.CountTally(rep),
		scantest.CountIf(rep, func(r *scan.Result) bool { return r.Package != nil && r.Package.Ecosystem != "" }),
		scantest.CountIf(rep, func(r *scan.Result) bool { return r.Package != nil && r.Package.PURL != "" }),
		scantest.CountIf(rep, scantest.HasID)}
}

func TestSamples(t *testing.T) {
	scantest.Samples(t, Parse, "dependency-check", scantest.GoldenFile, count, []scantest.Sample[counts]{
		{
			// README: 191 dependencies, 26 vulnerabilities (CRITICAL 2,
			// HIGH 8, MEDIUM 16) and 8 suppressed, left out. 1.8 MiB,
			// but only the vulnerable dependencies become results: the
			// golden is small.
			File: "PR6439.xml",
			Want: counts{Tally: scantest.Tally{Targets: 1, Results: 26,
				BySeverity: map[scan.Severity]int{scan.SevCritical: 2, scan.SevHigh: 8, scan.SevMedium: 16}}, WithEcosystem: 26, WithPURL: 26, WithCVE: 26},
			Golden: true,
		},
		{
			// README: 6 dependencies, 7 vulnerabilities, 2 suppressed.
			// Four name the placeholder CVE-0000-0001 (shaped as a CVE
			// id, so kept as one), one CVE-2020-7608; the other two are
			// an npm advisory ("1500") and an OSS Index weakness
			// ("CWE-400: ..."). Two dom4j dependencies have no package
			// identifier, so no purl.
			File: "multiple_vulnerabilities_has_multiple_findings.xml",
			Want: counts{Tally: scantest.Tally{Targets: 1, Results: 7,
				BySeverity: map[scan.Severity]int{scan.SevHigh: 6, scan.SevLow: 1}}, WithEcosystem: 5, WithPURL: 5, WithCVE: 5},
			Golden: true,
		},
		{
			// README: scan info only, no dependencies.
			File:   "dc_empty.xml",
			Want:   counts{Tally: scantest.Tally{Targets: 1, BySeverity: map[scan.Severity]int{}}},
			Golden: true,
		},
	})
}

func TestSampleFields(t *testing.T) {
	rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "dependency-check/PR6439.xml"))
	if rep.Version != "7.3.0" || !rep.Finished.Equal(time.Date(2022, 12, 14, 1, 35, 43, 684166000, time.UTC)) {
		t.Errorf("Version %q, Finished %v", rep.Version, rep.Finished)
	}
	if diff := cmp.Diff([]scan.Target{{Kind: scan.TargetSource, Name: "Business Process Center - Runtime Environment"}}, rep.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	r := rep.Results[0]
	want := scan.Result{
		Rule: "CVE-2020-15522", Title: "CVE-2020-15522 in bcprov-jdk15on-1.64.jar", IDs: []string{"CVE-2020-15522"}, CWEs: []int{362},
		Severity: scan.SevMedium, ToolSeverity: "MEDIUM", Score: 5.9, Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
		Package: &scan.Package{Ecosystem: "Maven", Name: "org.bouncycastle:bcprov-jdk15on", Version: "1.64",
			PURL: "pkg:maven/org.bouncycastle/bcprov-jdk15on@1.64", Path: "/var/lib/jenkins/.m2/repository/org/bouncycastle/bcprov-jdk15on/1.64/bcprov-jdk15on-1.64.jar"},
		Location: "/var/lib/jenkins/.m2/repository/org/bouncycastle/bcprov-jdk15on/1.64/bcprov-jdk15on-1.64.jar",
		Evidence: "Matched cpe:2.3:a:bouncycastle:the_bouncy_castle_crypto_package_for_java:*:*:*:*:*:*:*:* < 1.66",
		References: []string{"https://github.com/bcgit/bc-csharp/wiki/CVE-2020-15522", "https://www.bouncycastle.org/releasenotes.html",
			"https://security.netapp.com/advisory/ntap-20210622-0007/", "https://github.com/bcgit/bc-java/wiki/CVE-2020-15522"},
	}
	r.Description = ""
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("first result (-want +got):\n%s", diff)
	}
	// OSS Index's abbreviated v2 metrics, one of them empty: a score
	// and no vector.
	if r := rep.Results[1]; r.Rule != "CVE-2020-0187" || r.Score != 5.5 || r.Vector != "" || !cmp.Equal(r.CWEs, []int{310}) {
		t.Errorf("second result: %+v", r)
	}

	old := scantest.ParseFile(t, Parse, scantest.Shared(t, "dependency-check/multiple_vulnerabilities_has_multiple_findings.xml"))
	for _, r := range old.Results {
		if r.Rule == "1500" && (r.Severity != scan.SevLow || r.Package.Ecosystem != "npm" || r.Package.Name != "yargs-parser" || r.Score != 0) {
			t.Errorf("npm advisory 1500: %+v", r)
		}
		if r.Rule == "CVE-0000-0001" && r.Vector != "AV:N/AC:L/Au:N/C:P/I:P/A:P" {
			t.Errorf("schema 1.3 v2 metrics: vector %q", r.Vector)
		}
	}
}

const xmlHead = `<?xml version="1.0"?>` + "\n"

func doc(deps ...string) string {
	return xmlHead + `<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd"><scanInfo><engineVersion>8.0.0</engineVersion></scanInfo>` +
		`<projectInfo><name>P</name><reportDate>2016-11-05T14:52:15.748-0400</reportDate></projectInfo><dependencies>` + strings.Join(deps, "") + `</dependencies></analysis>`
}

func dep(ids, vulns string) string {
	return `<dependency><fileName>a.jar</fileName><filePath>/lib/a.jar</filePath><identifiers>` + ids + `</identifiers><vulnerabilities>` + vulns + `</vulnerabilities></dependency>`
}

const maven = `<package confidence="HIGH"><id>pkg:maven/org.example/a@1.0</id></package>`

func vuln(elems ...string) string {
	return `<vulnerability source="NVD"><name>CVE-2021-1234</name>` + strings.Join(elems, "") + `</vulnerability>`
}

func TestParse(t *testing.T) {
	project := scan.Target{Kind: scan.TargetSource, Name: "P"}
	finished := time.Date(2016, 11, 5, 18, 52, 15, 748000000, time.UTC)
	mavenPkg := &scan.Package{Ecosystem: "Maven", Name: "org.example:a", Version: "1.0", PURL: "pkg:maven/org.example/a@1.0", Path: "/lib/a.jar"}
	scantest.Parses(t, Parse, []scantest.Input{
		{
			Name: "v3 and v2 in full words, CWEs, suppressed left out",
			In: doc(`<dependency><fileName>a.jar</fileName><filePath>/lib/a.jar</filePath><identifiers>` + maven + `</identifiers><vulnerabilities>` +
				vuln(`<severity>HIGH</severity><cvssV2><score>7.5</score><accessVector>NETWORK</accessVector><accessComplexity>LOW</accessComplexity>`+
					`<authenticationr>NONE</authenticationr><confidentialImpact>PARTIAL</confidentialImpact><integrityImpact>PARTIAL</integrityImpact><availabilityImpact>PARTIAL</availabilityImpact></cvssV2>`,
					`<cvssV3><baseScore>8.1</baseScore><attackVector>ADJACENT_NETWORK</attackVector><attackComplexity>LOW</attackComplexity><privilegesRequired>LOW</privilegesRequired>`+
						`<userInteraction>REQUIRED</userInteraction><scope>CHANGED</scope><confidentialityImpact>HIGH</confidentialityImpact><integrityImpact>LOW</integrityImpact>`+
						`<availabilityImpact>NONE</availabilityImpact><version>3.0</version></cvssV3>`,
					`<cwes><cwe>CWE-79</cwe><cwe>NVD-CWE-Other</cwe><cwe>CWE-20 Improper Input Validation</cwe></cwes><description> D </description>`,
					`<references><reference><source>MISC</source><url>https://r.example/</url></reference></references>`,
					`<vulnerableSoftware><software>cpe:2.3:a:x:y:*</software><software vulnerabilityIdMatched="true" versionStartIncluding="1.0" versionEndExcluding="1.2">cpe:2.3:a:example:a:*</software></vulnerableSoftware>`) +
				`</vulnerabilities><suppressedVulnerabilities>` + vuln() + `</suppressedVulnerabilities><suppressedVulnerability><name>CVE-2021-9999</name></suppressedVulnerability></dependency>`),
			Want: &scan.Report{Tool: "depcheck", Version: "8.0.0", Finished: finished, Targets: []scan.Target{project}, Results: []scan.Result{{
				Rule: "CVE-2021-1234", Title: "CVE-2021-1234 in a.jar", IDs: []string{"CVE-2021-1234"}, CWEs: []int{79, 20},
				Severity: scan.SevHigh, ToolSeverity: "HIGH", Score: 8.1, Vector: "CVSS:3.0/AV:A/AC:L/PR:L/UI:R/S:C/C:H/I:L/A:N",
				Package: mavenPkg, Location: "/lib/a.jar", Description: "D", Evidence: "Matched cpe:2.3:a:example:a:* >= 1.0 < 1.2",
				References: []string{"https://r.example/"},
			}}},
		},
		{
			Name: "no severity: from the score; abbreviated v3 metrics without a version",
			In: doc(dep(maven, vuln(`<cvssV3><baseScore>9.8</baseScore><attackVector>N</attackVector><attackComplexity>L</attackComplexity><privilegesRequired>N</privilegesRequired>`+
				`<userInteraction>N</userInteraction><scope>U</scope><confidentialityImpact>H</confidentialityImpact><integrityImpact>H</integrityImpact><availabilityImpact>H</availabilityImpact></cvssV3>`))),
			Want: &scan.Report{Tool: "depcheck", Version: "8.0.0", Finished: finished, Targets: []scan.Target{project}, Results: []scan.Result{{
				Rule: "CVE-2021-1234", Title: "CVE-2021-1234 in a.jar", IDs: []string{"CVE-2021-1234"}, Severity: scan.SevCritical, Score: 9.8,
				Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Package: mavenPkg, Location: "/lib/a.jar",
			}}},
		},
		{
			Name: "purl types: npm, generic (no OSV ecosystem), none; old maven identifier",
			In: doc(
				dep(`<package><id>pkg:npm/%40babel/core@7.0.0</id></package>`, vuln(`<severity>moderate</severity>`)),
				dep(`<package><id>pkg:generic/openssl@1.1.1</id></package>`, vuln()),
				dep(``, vuln()),
				dep(`<identifier type="cpe"><name>cpe:/a:apache:xalan-java:2.7.1</name></identifier><identifier type="maven"><name>xalan:serializer:2.7.1</name></identifier>`, vuln()),
				dep(maven, ""),
			),
			Want: &scan.Report{Tool: "depcheck", Version: "8.0.0", Finished: finished, Targets: []scan.Target{project}, Results: []scan.Result{
				{Rule: "CVE-2021-1234", Title: "CVE-2021-1234 in a.jar", IDs: []string{"CVE-2021-1234"}, Severity: scan.SevMedium, ToolSeverity: "moderate",
					Package: &scan.Package{Ecosystem: "npm", Name: "@babel/core", Version: "7.0.0", PURL: "pkg:npm/%40babel/core@7.0.0", Path: "/lib/a.jar"}, Location: "/lib/a.jar"},
				{Rule: "CVE-2021-1234", Title: "CVE-2021-1234 in a.jar", IDs: []string{"CVE-2021-1234"}, Severity: scan.SevUnknown,
					Package: &scan.Package{Name: "openssl", Version: "1.1.1", PURL: "pkg:generic/openssl@1.1.1", Path: "/lib/a.jar"}, Location: "/lib/a.jar"},
				{Rule: "CVE-2021-1234", Title: "CVE-2021-1234 in a.jar", IDs: []string{"CVE-2021-1234"}, Severity: scan.SevUnknown,
					Package: &scan.Package{Name: "a.jar", Path: "/lib/a.jar"}, Location: "/lib/a.jar"},
				{Rule: "CVE-2021-1234", Title: "CVE-2021-1234 in a.jar", IDs: []string{"CVE-2021-1234"}, Severity: scan.SevUnknown,
					Package: &scan.Package{Ecosystem: "Maven", Name: "xalan:serializer", Version: "2.7.1", PURL: "pkg:maven/xalan/serializer@2.7.1", Path: "/lib/a.jar"}, Location: "/lib/a.jar"},
			}},
		},
		{
			Name: "no dependencies, no project info",
			In:   xmlHead + `<analysis><dependencies/></analysis>`,
			Want: &scan.Report{Tool: "depcheck", Targets: []scan.Target{{Kind: scan.TargetSource}}},
		},
	})
}

func TestParseErrors(t *testing.T) {
	full := doc(dep(maven, vuln()))
	scantest.Refuses(t, Parse, []scantest.BadInput{
		{Name: "empty", In: "", Want: "malformed input: empty document"},
		{Name: "other root", In: xmlHead + `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>`, Want: "malformed input: root element <bom>, want <analysis>"},
		{Name: "malformed XML", In: xmlHead + `<analysis><dependencies><dependency></dependencies></analysis>`,
			Want: "dependency[0]: malformed input: XML syntax error on line 2: element <dependency> closed by </dependencies>"},
		{Name: "truncated in a dependency", In: full[:strings.Index(full, "</vulnerabilities>")], Want: "dependency[0]: malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "truncated after the dependencies", In: strings.TrimSuffix(full, "</analysis>"), Want: "malformed input: XML syntax error on line 2: unexpected EOF"},
		{Name: "billion laughs", In: xmlHead + scantest.Laughs("analysis") + doc(dep(maven, vuln("<description>&lol9;</description>")))[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "external entity", In: xmlHead + `<!DOCTYPE analysis [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + full[len(xmlHead):],
			Want: "malformed input: entity declarations (<!ENTITY>) are not allowed"},
		{Name: "undeclared entity", In: doc(dep(maven, vuln("<description>&e;</description>"))),
			Want: "dependency[0]: malformed input: XML syntax error on line 2: invalid character entity &e;"},
		{Name: "v3 score not a number", In: doc(dep(maven, vuln("<cvssV3><baseScore>HIGH</baseScore></cvssV3>"))),
			Want: `dependency[0] a.jar: vulnerability[0] CVE-2021-1234: cvssV3.baseScore: malformed input: not a CVSS score from 0 to 10: "HIGH"`},
		{Name: "v2 score out of range", In: doc(dep(maven, vuln()+vuln("<cvssV2><score>75</score></cvssV2>"))),
			Want: `dependency[0] a.jar: vulnerability[1] CVE-2021-1234: cvssV2.score: malformed input: not a CVSS score from 0 to 10: "75"`},
		{Name: "1.x score not a number", In: doc(dep(maven, vuln("<cvssScore>-</cvssScore>"))),
			Want: `dependency[0] a.jar: vulnerability[0] CVE-2021-1234: cvssScore: malformed input: not a CVSS score from 0 to 10: "-"`},
		{Name: "CWE not an id", In: doc(dep(maven, vuln("<cwes><cwe>Improper Input Validation</cwe></cwes>"))),
			Want: `dependency[0] a.jar: vulnerability[0] CVE-2021-1234: cwes.cwe[0]: malformed input: not a CWE id: "Improper Input Validation"`},
		{Name: "purl malformed", In: doc(dep(`<package><id>pkg:maven/@1.0</id></package>`, vuln())),
			Want: `dependency[0] a.jar: identifiers.package[0].id: malformed input: invalid purl "pkg:maven/@1.0": purl is missing name`},
		{Name: "maven identifier malformed", In: doc(dep(`<identifier type="maven"><name>xalan</name></identifier>`, vuln())),
			Want: `dependency[0] a.jar: identifiers.identifier[0].name: malformed input: not group:artifact:version: "xalan"`},
		{Name: "name missing", In: doc(dep(maven, `<vulnerability><severity>HIGH</severity></vulnerability>`)),
			Want: "dependency[0] a.jar: vulnerability[0] : name: malformed input: missing"},
	})
}

func TestSniff(t *testing.T) {
	scantest.Sniffs(t, Sniff, "dependency-check", []string{"nmap/nmap_0port.xml", "qualys/empty.xml", "openvas/no_vuln.xml", "burp/one_finding_with_cwe.xml"}, []scantest.Head{
		{Name: "another tool's analysis", Head: xmlHead + `<analysis xmlns="urn:other"><result/></analysis>`, Want: false},
		{Name: "analysis without namespace", Head: xmlHead + `<analysis><dependencies/></analysis>`, Want: false},
		{Name: "prefixed namespace", Head: `<dc:analysis xmlns:dc="https://jeremylong.github.io/DependencyCheck/dependency-check.3.0.xsd">`, Want: true},
		{Name: "empty", Head: "", Want: false},
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc(dep(maven, vuln(`<severity>HIGH</severity><cvssV3><baseScore>8.1</baseScore><attackVector>N</attackVector></cvssV3><cwes><cwe>CWE-79</cwe></cwes>`)))))
	f.Add([]byte(xmlHead + scantest.Laughs("analysis") + doc(dep(maven, vuln("<description>&lol9;</description>")))[len(xmlHead):]))
	scantest.Fuzz(f, Parse, "testdata/dc_empty.xml", "testdata/multiple_vulnerabilities_has_multiple_findings.xml")
}

// BenchmarkParseSample parses the largest Dependency-Check sample (1.8
// MiB, 191 dependencies, mostly collected evidence).
func BenchmarkParseSample(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "dependency-check/PR6439.xml")
}
