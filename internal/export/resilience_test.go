package export_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

// TestCVESourceOff shows what is left when the CVE source stops: real
// Bitnami OSV records and the CVE JSON 5 records they name are imported
// together, then every CVE record is retired (RetireMissing with nothing
// present: its claims become history, as if the source had emptied).
// Every vulnerability a Bitnami record carries must still resolve by its
// CVE id, match the package version the record says is affected, and
// keep a CVSS vector to prioritise by (risk scores it); what only the CVE source carried
// is counted before (vmc stats --coverage's "only") and gone after.
func TestCVESourceOff(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a few hundred records; skipped with -short")
	}
	ctx := context.Background()
	s := openStore(t)
	bitnami := zipDocs(t, "osv/Bitnami/all.zip", 300)
	mfs := fstest.MapFS{}
	named := map[string]bool{}
	for name, b := range bitnami {
		mfs["bitnami/"+name] = &fstest.MapFile{Data: b}
		for _, id := range cveRE.FindAllString(string(b), -1) {
			named[id+".json"] = true
		}
	}
	// The CVE records: those the Bitnami records name, and others, which
	// only the CVE source carries.
	others := 0
	cves := zipEntries(t, "cve5/cves.zip", func(name string) bool {
		base := name[strings.LastIndexByte(name, '/')+1:]
		if named[base] {
			return true
		}
		others++
		return others <= 100
	}, 100000)
	for name, b := range cves {
		mfs[name] = &fstest.MapFile{Data: b}
	}
	if _, err := (&ingest.Importer{Store: s, Sources: ingest.Sources()}).ImportFS(ctx, mfs); err != nil {
		t.Fatal(err)
	}
	before, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("coverage with the CVE source: %v", before)
	if before["cve5"].Only == 0 {
		t.Fatal("no vulnerability only the CVE source carries: the test shows nothing")
	}

	// What Bitnami says, record by record: its CVE and the first version
	// it gives as affected.
	type probe struct{ cve, pkg, version string }
	var probes []probe
	for _, id := range allVulns(t, s) {
		v, err := s.Vuln(ctx, id, store.VulnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := v.Record()
		if err != nil {
			t.Fatal(err)
		}
		cve := ""
		for _, a := range v.Aliases {
			if strings.HasPrefix(a, "CVE-") {
				cve = a
			}
		}
		if cve == "" || !hasSource(v, "osv") {
			continue
		}
		for _, a := range r.Affected {
			if a.Ecosystem != "Bitnami" || len(a.Ranges) == 0 || len(a.Ranges[0].Events) == 0 || a.Ranges[0].Events[0].Introduced == "" {
				continue
			}
			if ver := a.Ranges[0].Events[0].Introduced; ver != "0" {
				probes = append(probes, probe{cve, a.Package, ver})
				break
			}
		}
	}
	if len(probes) < 40 {
		t.Fatalf("only %d Bitnami records to probe", len(probes))
	}

	// The CVE source stops.
	n, err := s.RetireMissing(ctx, "cve5", nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("retired %d CVE records; coverage without them: %v", n, after)
	if after["cve5"].Vulnerabilities != 0 {
		t.Errorf("the CVE source still carries %d vulnerabilities", after["cve5"].Vulnerabilities)
	}

	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	matched, scored := 0, 0
	for _, p := range probes {
		v, err := s.Vuln(ctx, p.cve, store.VulnOptions{})
		if err != nil {
			t.Errorf("%s: no longer found: %v", p.cve, err)
			continue
		}
		if hasSource(v, "cve5") {
			t.Errorf("%s: still carried by the CVE source", p.cve)
		}
		ms, _, err := m.Match(ctx, []asset.Component{{Ecosystem: "Bitnami", Name: p.pkg, Version: p.version}})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ms {
			if x.Vuln == v.ID {
				matched++
				break
			}
		}
		r, err := v.Record()
		if err != nil {
			t.Fatal(err)
		}
		for _, sv := range r.Severities {
			if strings.HasPrefix(sv.Vector, "CVSS:3") || strings.HasPrefix(sv.Vector, "CVSS:4") {
				scored++
				break
			}
		}
	}
	t.Logf("without the CVE source: %d of %d Bitnami-carried vulnerabilities still match, %d still have a CVSS v3 or v4 vector to prioritise by", matched, len(probes), scored)
	if matched != len(probes) {
		t.Errorf("%d of %d vulnerabilities no longer match", len(probes)-matched, len(probes))
	}
	if scored < len(probes)*9/10 {
		t.Errorf("only %d of %d vulnerabilities keep a CVSS vector", scored, len(probes))
	}
}

var cveRE = regexp.MustCompile(`CVE-[0-9]{4}-[0-9]{4,}`)

func hasSource(v advisory.Vulnerability, src string) bool {
	for _, s := range v.Sources {
		if s.Source == src && s.Retired.IsZero() {
			return true
		}
	}
	return false
}
