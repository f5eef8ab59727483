package advisory

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEnrichment merges a CNVD entry (Chinese text, product text, no CWE
// or CVSS) with the CVE record it aliases, whose CNA gives affected
// versions with a fix but no CWE, and whose CISA ADP container gives the
// CWE and a CVSS vector, plus an NVD record with a CWE of its own.
func TestEnrichment(t *testing.T) {
	recs := []Record{
		{Source: "cnvd", ID: "CNVD-2024-1", Aliases: []string{"CVE-2024-1"},
			Affected: []Affected{{Text: "Acme Widget <2.0"}}},
		{Source: "cve5", ID: "CVE-2024-1",
			CWEs:       []CWE{{ID: "CWE-79", Provider: "CISA-ADP"}},
			Severities: []Severity{{Type: CVSSv31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", Score: 6.1, Provider: "CISA-ADP"}},
			Affected: []Affected{{Vendor: "acme", Product: "widget", Provider: "acme",
				Ranges: []Range{{Type: RangeSemver, Events: []Event{{Introduced: "0"}, {Fixed: "2.0"}}}}}}},
		{Source: "nvd", ID: "CVE-2024-1", CWEs: []CWE{{ID: "CWE-80"}, {ID: "NVD-CWE-noinfo"}}},
		{Source: "kev", ID: "CVE-2024-1", KEV: &KEV{DateAdded: "2024-01-02"}},
	}
	var claims []Claim
	var refs []SourceRef
	for _, r := range recs {
		claims = append(claims, r.Claims()...)
		refs = append(refs, SourceRef{Source: r.Source, Record: r.ID})
	}
	v := Merge("CVE-2024-1", []string{"CVE-2024-1", "CNVD-2024-1"}, refs, claims, DefaultPrecedence)
	adp := &Donor{Source: ADPSource, Record: "CVE-2024-1"}
	cve := &Donor{Source: "cve5", Record: "CVE-2024-1"}
	want := []RecordFills{
		{Source: "cve5", Record: "CVE-2024-1", Fills: []Fill{
			{Facet: FacetCWE, From: adp}, {Facet: FacetCVSS, From: adp}, {Facet: FacetAffected, Own: true}, {Facet: FacetFixed, Own: true}}},
		{Source: "nvd", Record: "CVE-2024-1", Fills: []Fill{
			{Facet: FacetCWE, Own: true}, {Facet: FacetCVSS, From: adp}, {Facet: FacetAffected, From: cve}, {Facet: FacetFixed, From: cve}}},
		{Source: "cnvd", Record: "CNVD-2024-1", Fills: []Fill{
			{Facet: FacetCWE, From: adp}, {Facet: FacetCVSS, From: adp}, {Facet: FacetAffected, Own: true}, {Facet: FacetFixed, From: cve}}},
		{Source: "kev", Record: "CVE-2024-1", Fills: []Fill{
			{Facet: FacetCWE, From: adp}, {Facet: FacetCVSS, From: adp}, {Facet: FacetAffected, From: cve}, {Facet: FacetFixed, From: cve}}},
	}
	got := v.Enrichment()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Enrichment (-want +got):\n%s", diff)
	}
	if p := v.PrimaryRecord(got); p != 0 {
		t.Errorf("PrimaryRecord = %d, want 0 (the cve5 record)", p)
	}

	tally := NewEnrichmentTally()
	tally.Add(&v)
	wantPrimary := map[string]SourceTally{"cve5": {Records: 1, Facets: map[Facet]FacetTally{
		FacetCWE:      {Filled: map[string]int{ADPSource: 1}},
		FacetCVSS:     {Filled: map[string]int{ADPSource: 1}},
		FacetAffected: {Own: 1, Filled: map[string]int{}},
		FacetFixed:    {Own: 1, Filled: map[string]int{}},
	}}}
	if diff := cmp.Diff(wantPrimary, tally.Primary); diff != "" {
		t.Errorf("tally.Primary (-want +got):\n%s", diff)
	}
	if got := tally.Records["cnvd"].Facets[FacetFixed].Filled["cve5"]; got != 1 {
		t.Errorf("cnvd fixed filled by cve5 = %d, want 1", got)
	}
}

// TestEnrichmentAlone: a record no other source completes reports its
// missing facets, and a retired record is left out.
func TestEnrichmentAlone(t *testing.T) {
	rec := Record{Source: "cnvd", ID: "CNVD-2024-2", Affected: []Affected{{Text: "Acme"}}}
	refs := []SourceRef{{Source: "cnvd", Record: rec.ID}, {Source: "kev", Record: "CNVD-2024-2", Retired: rec.Published.AddDate(2000, 0, 0)}}
	v := Merge(rec.ID, []string{rec.ID}, refs, rec.Claims(), DefaultPrecedence)
	got := v.Enrichment()
	if len(got) != 1 {
		t.Fatalf("got %d records, want 1 (the retired one left out)", len(got))
	}
	if diff := cmp.Diff([]Facet{FacetCWE, FacetCVSS, FacetFixed}, got[0].Missing()); diff != "" {
		t.Errorf("Missing (-want +got):\n%s", diff)
	}
	if got[0].Filled() {
		t.Error("Filled() = true for a record alone")
	}
}
