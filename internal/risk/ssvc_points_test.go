package risk

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
)

// TestSSVCPointVocabulary checks the typed values against the embedded
// tables: every PointID is an input of a table, and each type's constants
// are exactly that point's values, in order.
func TestSSVCPointVocabulary(t *testing.T) {
	keys := func(vs ...string) []string { return vs }
	want := map[PointID][]string{
		PointExploitation:     keys(string(ExploitationNone), string(ExploitationPublicPoC), string(ExploitationActive)),
		PointAutomatable:      keys(string(AutomatableNo), string(AutomatableYes)),
		PointTechnicalImpact:  keys(string(TechnicalImpactPartial), string(TechnicalImpactTotal)),
		PointMissionWellBeing: keys(string(MissionWellBeingLow), string(MissionWellBeingMedium), string(MissionWellBeingHigh)),
		PointInKEV:            keys(string(InKEVNo), string(InKEVYes)),
		PointPubliclyExposed:  keys(string(PubliclyExposedNo), string(PubliclyExposedYes)),
	}
	for _, p := range PointIDs() {
		def, ok := p.Definition()
		if !ok {
			t.Errorf("%s is in neither table", p)
			continue
		}
		var got []string
		for _, v := range def.Values {
			got = append(got, v.Key)
		}
		if diff := cmp.Diff(want[p], got); diff != "" {
			t.Errorf("%s values (-constants +table):\n%s", p, diff)
		}
	}
	// Every input of both tables is a point vmc derives.
	for _, tab := range []*DecisionTable{CoordinatorTable(), BOD2604Table()} {
		for _, p := range tab.Inputs {
			if !PointID(p.ID()).IsValid() {
				t.Errorf("%s: input %s is not a PointID", tab.ID(), p.ID())
			}
		}
	}
	if _, ok := PointID("ssvc:E:1.0.0").Definition(); ok {
		t.Error("ssvc:E:1.0.0 has a definition")
	}
}

func TestSSVCValueUnmarshal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		dst     any
		wantErr string
	}{
		{"exploitation", `"A"`, new(Exploitation), ""},
		{"exploitation by name", `"active"`, new(Exploitation), `ssvc:E:1.1.0: unknown value "active"`},
		{"automatable", `"Y"`, new(Automatable), ""},
		{"automatable lower case", `"y"`, new(Automatable), `ssvc:A:2.0.0: unknown value "y"`},
		{"technical impact", `"T"`, new(TechnicalImpact), ""},
		{"technical impact", `"X"`, new(TechnicalImpact), `ssvc:TI:1.0.0: unknown value "X"`},
		{"mission", `"H"`, new(MissionWellBeing), ""},
		{"mission", `"C"`, new(MissionWellBeing), `ssvc:MWI:1.0.0: unknown value "C"`},
		{"kev", `"N"`, new(InKEV), ""},
		{"kev", `""`, new(InKEV), `cisa:KEV:1.0.0: unknown value ""`},
		{"exposed", `"Y"`, new(PubliclyExposed), ""},
		{"exposed", `"P"`, new(PubliclyExposed), `cisa:PE:1.0.0: unknown value "P"`},
		{"point", `"cisa:PE:1.0.0"`, new(PointID), ""},
		{"point", `"cisa:MP:1.0.0"`, new(PointID), `unknown SSVC decision point "cisa:MP:1.0.0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.in, func(t *testing.T) {
			err := json.Unmarshal([]byte(tt.in), tt.dst)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("error %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func ssvcPtr[T any](v T) *T { return &v }

// Vectors of real vulnerabilities, as metric maps.
var (
	// CVE-2021-44228 (Log4Shell), NVD's CVSS 3.1.
	ssvcLog4shellV3 = map[string]string{"AV": "N", "AC": "L", "PR": "N", "UI": "N", "S": "C", "C": "H", "I": "H", "A": "H"}
	// A local, user-assisted information disclosure.
	ssvcLocalV3 = map[string]string{"AV": "L", "AC": "L", "PR": "L", "UI": "R", "S": "U", "C": "H", "I": "N", "A": "N"}
	// CVSS 4.0 network, no requirements, high impact on the vulnerable system.
	ssvcNetV4 = map[string]string{"AV": "N", "AC": "L", "AT": "N", "PR": "N", "UI": "N", "VC": "H", "VI": "H", "VA": "H", "SC": "N", "SI": "N", "SA": "N"}
	// CVSS 2.0 AV:N/AC:L/Au:N/C:C/I:C/A:C.
	ssvcNetV2 = map[string]string{"AV": "N", "AC": "L", "Au": "N", "C": "C", "I": "C", "A": "C"}
)

func TestDeriveExploitation(t *testing.T) {
	cisa := func(e string) *advisory.SSVC {
		return &advisory.SSVC{Exploitation: e, Provider: "CISA ADP Vulnrichment", Timestamp: "2024-02-12T17:59:22Z"}
	}
	tests := []struct {
		name string
		ev   SSVCEvidence
		want Derivation[Exploitation]
	}{
		{"KEV", SSVCEvidence{KEV: true, EPSS: ssvcPtr(0.0)},
			Derivation[Exploitation]{ExploitationActive, "in CISA KEV: exploited in the wild", false}},
		{"KEV outranks a published none", SSVCEvidence{KEV: true, Published: cisa("none")},
			Derivation[Exploitation]{ExploitationActive, "in CISA KEV: exploited in the wild", false}},
		{"published active", SSVCEvidence{Published: cisa("active")},
			Derivation[Exploitation]{ExploitationActive, "published SSVC decision by CISA ADP Vulnrichment at 2024-02-12T17:59:22Z says active", false}},
		{"exploit reference", SSVCEvidence{PublicPoC: true, PoCRef: "https://www.exploit-db.com/exploits/50592", Published: cisa("none")},
			Derivation[Exploitation]{ExploitationPublicPoC, "public proof of concept: https://www.exploit-db.com/exploits/50592", false}},
		{"published poc", SSVCEvidence{Published: cisa("poc")},
			Derivation[Exploitation]{ExploitationPublicPoC, "published SSVC decision by CISA ADP Vulnrichment at 2024-02-12T17:59:22Z says poc", false}},
		{"EPSS at threshold", SSVCEvidence{EPSS: ssvcPtr(0.1)},
			Derivation[Exploitation]{ExploitationPublicPoC, "EPSS 0.1 is at or above the threshold 0.1: exploit code likely exists (EPSS is a forecast, so never active)", false}},
		{"EPSS high", SSVCEvidence{EPSS: ssvcPtr(0.97565)},
			Derivation[Exploitation]{ExploitationPublicPoC, "EPSS 0.9757 is at or above the threshold 0.1: exploit code likely exists (EPSS is a forecast, so never active)", false}},
		{"EPSS below", SSVCEvidence{EPSS: ssvcPtr(0.0996)},
			Derivation[Exploitation]{ExploitationNone, "not in CISA KEV, no public proof of concept known, EPSS 0.0996 below the threshold 0.1", false}},
		{"nothing known", SSVCEvidence{},
			Derivation[Exploitation]{ExploitationNone, "not in CISA KEV, no public proof of concept known, no EPSS score", false}},
		{"published none", SSVCEvidence{Published: cisa("none")},
			Derivation[Exploitation]{ExploitationNone, "not in CISA KEV, no public proof of concept known, no EPSS score; published SSVC decision by CISA ADP Vulnrichment at 2024-02-12T17:59:22Z says none", false}},
		{"published in old capitals", SSVCEvidence{Published: &advisory.SSVC{Exploitation: "PoC"}},
			Derivation[Exploitation]{ExploitationPublicPoC, "published SSVC decision says poc", false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DeriveExploitation(tt.ev, DefaultEPSSPoCThreshold)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// The threshold is the caller's.
	if got := DeriveExploitation(SSVCEvidence{EPSS: ssvcPtr(0.3)}, 0.5); got.Value != ExploitationNone {
		t.Errorf("EPSS 0.3 with threshold 0.5: %s", got.Value)
	}
}

func TestDeriveAutomatable(t *testing.T) {
	tests := []struct {
		name string
		ev   SSVCEvidence
		want Derivation[Automatable]
	}{
		{"v3 network, no privileges, no interaction", SSVCEvidence{CVSS: ssvcLog4shellV3, CVSSVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"},
			Derivation[Automatable]{AutomatableYes, "CVSS v3 AV:N/AC:L/PR:N/UI:N: reachable over the network with no privileges or user interaction (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H)", false}},
		{"v3 local with interaction", SSVCEvidence{CVSS: ssvcLocalV3},
			Derivation[Automatable]{AutomatableNo, "CVSS v3 AV:L/PR:L/UI:R, not AV:N/AC:L/PR:N/UI:N: the chain cannot be reliably automated", false}},
		{"v4", SSVCEvidence{CVSS: ssvcNetV4},
			Derivation[Automatable]{AutomatableYes, "CVSS v4 AV:N/AC:L/AT:N/PR:N/UI:N: reachable over the network with no privileges or user interaction", false}},
		{"v4 attack requirements", SSVCEvidence{CVSS: ssvcWith(ssvcNetV4, "AT", "P")},
			Derivation[Automatable]{AutomatableNo, "CVSS v4 AT:P, not AV:N/AC:L/AT:N/PR:N/UI:N: the chain cannot be reliably automated", false}},
		{"v4 supplemental AU wins", SSVCEvidence{CVSS: ssvcWith(ssvcNetV4, "AU", "N")},
			Derivation[Automatable]{AutomatableNo, "CVSS v4.0 supplemental metric AU:N", false}},
		{"v4 AU not defined", SSVCEvidence{CVSS: ssvcWith(ssvcNetV4, "AU", "X")},
			Derivation[Automatable]{AutomatableYes, "CVSS v4 AV:N/AC:L/AT:N/PR:N/UI:N: reachable over the network with no privileges or user interaction", false}},
		{"v2", SSVCEvidence{CVSS: ssvcNetV2},
			Derivation[Automatable]{AutomatableYes, "CVSS v2 AV:N/AC:L/Au:N: reachable over the network with no privileges or user interaction", false}},
		{"v2 authentication", SSVCEvidence{CVSS: ssvcWith(ssvcNetV2, "Au", "S")},
			Derivation[Automatable]{AutomatableNo, "CVSS v2 Au:S, not AV:N/AC:L/Au:N: the chain cannot be reliably automated", false}},
		{"published outranks CVSS", SSVCEvidence{CVSS: ssvcLog4shellV3, Published: &advisory.SSVC{Automatable: "no", Provider: "CISA ADP Vulnrichment"}},
			Derivation[Automatable]{AutomatableNo, "published SSVC decision by CISA ADP Vulnrichment says no", false}},
		{"published unknown word is ignored", SSVCEvidence{CVSS: ssvcLocalV3, Published: &advisory.SSVC{Automatable: "maybe"}},
			Derivation[Automatable]{AutomatableNo, "CVSS v3 AV:L/PR:L/UI:R, not AV:N/AC:L/PR:N/UI:N: the chain cannot be reliably automated", false}},
		{"no CVSS", SSVCEvidence{},
			Derivation[Automatable]{AutomatableYes, "no CVSS vector to judge by: assumed yes, the worse case", true}},
		{"unrecognised metrics", SSVCEvidence{CVSS: map[string]string{"XX": "1"}},
			Derivation[Automatable]{AutomatableYes, "no CVSS vector to judge by: assumed yes, the worse case", true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, DeriveAutomatable(tt.ev)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeriveTechnicalImpact(t *testing.T) {
	tests := []struct {
		name string
		ev   SSVCEvidence
		want Derivation[TechnicalImpact]
	}{
		{"v3 all high", SSVCEvidence{CVSS: ssvcLog4shellV3},
			Derivation[TechnicalImpact]{TechnicalImpactTotal, "CVSS v3 C:H/I:H/A:H: complete loss of confidentiality, integrity and availability", false}},
		{"v3 confidentiality only", SSVCEvidence{CVSS: ssvcLocalV3, CVSSVector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:H/I:N/A:N"},
			Derivation[TechnicalImpact]{TechnicalImpactPartial, "CVSS v3 C:H/I:N/A:N, not C:H/I:H/A:H (CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:H/I:N/A:N)", false}},
		{"v4 vulnerable system", SSVCEvidence{CVSS: ssvcNetV4},
			Derivation[TechnicalImpact]{TechnicalImpactTotal, "CVSS v4 VC:H/VI:H/VA:H: complete loss of confidentiality, integrity and availability", false}},
		{"v4 subsequent system only", SSVCEvidence{CVSS: ssvcWith(ssvcWith(ssvcWith(ssvcWith(ssvcNetV4, "VA", "L"), "SC", "H"), "SI", "H"), "SA", "H")},
			Derivation[TechnicalImpact]{TechnicalImpactPartial, "CVSS v4 VC:H/VI:H/VA:L, not VC:H/VI:H/VA:H", false}},
		{"v2 complete", SSVCEvidence{CVSS: ssvcNetV2},
			Derivation[TechnicalImpact]{TechnicalImpactTotal, "CVSS v2 C:C/I:C/A:C: complete loss of confidentiality, integrity and availability", false}},
		{"v2 partial", SSVCEvidence{CVSS: ssvcWith(ssvcNetV2, "I", "P")},
			Derivation[TechnicalImpact]{TechnicalImpactPartial, "CVSS v2 C:C/I:P/A:C, not C:C/I:C/A:C", false}},
		{"published", SSVCEvidence{CVSS: ssvcLog4shellV3, Published: &advisory.SSVC{TechnicalImpact: "partial"}},
			Derivation[TechnicalImpact]{TechnicalImpactPartial, "published SSVC decision says partial", false}},
		{"no CVSS", SSVCEvidence{},
			Derivation[TechnicalImpact]{TechnicalImpactTotal, "no CVSS vector to judge by: assumed total, the worse case", true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, DeriveTechnicalImpact(tt.ev)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeriveFromAsset(t *testing.T) {
	mwi := []struct {
		in   asset.Criticality
		want Derivation[MissionWellBeing]
	}{
		{asset.CritLow, Derivation[MissionWellBeing]{MissionWellBeingLow, "asset criticality low", false}},
		{asset.CritMedium, Derivation[MissionWellBeing]{MissionWellBeingMedium, "asset criticality medium", false}},
		{asset.CritHigh, Derivation[MissionWellBeing]{MissionWellBeingHigh, "asset criticality high", false}},
		{asset.CritCritical, Derivation[MissionWellBeing]{MissionWellBeingHigh, "asset criticality critical", false}},
		{"", Derivation[MissionWellBeing]{MissionWellBeingMedium, "asset criticality not set: assumed medium", true}},
		{"vital", Derivation[MissionWellBeing]{MissionWellBeingMedium, `asset criticality unknown "vital": assumed medium`, true}},
	}
	for _, tt := range mwi {
		if diff := cmp.Diff(tt.want, DeriveMissionWellBeing(tt.in)); diff != "" {
			t.Errorf("criticality %q (-want +got):\n%s", tt.in, diff)
		}
	}
	pe := []struct {
		in   asset.Exposure
		want Derivation[PubliclyExposed]
	}{
		{asset.ExpInternet, Derivation[PubliclyExposed]{PubliclyExposedYes, "asset exposure internet", false}},
		{asset.ExpInternal, Derivation[PubliclyExposed]{PubliclyExposedNo, "asset exposure internal", false}},
		{asset.ExpIsolated, Derivation[PubliclyExposed]{PubliclyExposedNo, "asset exposure isolated", false}},
		{"", Derivation[PubliclyExposed]{PubliclyExposedYes, "asset exposure not set: assumed exposed, the worse case", true}},
	}
	for _, tt := range pe {
		if diff := cmp.Diff(tt.want, DerivePubliclyExposed(tt.in)); diff != "" {
			t.Errorf("exposure %q (-want +got):\n%s", tt.in, diff)
		}
	}
	if got := DeriveInKEV(SSVCEvidence{KEV: true}); got != (Derivation[InKEV]{InKEVYes, "in CISA KEV", false}) {
		t.Errorf("KEV: %+v", got)
	}
	if got := DeriveInKEV(SSVCEvidence{}); got != (Derivation[InKEV]{InKEVNo, "not in CISA KEV", false}) {
		t.Errorf("no KEV: %+v", got)
	}
}

func TestSSVCEvidenceFrom(t *testing.T) {
	rec := &advisory.Record{
		ID:   "CVE-2021-44228",
		KEV:  &advisory.KEV{DateAdded: "2021-12-10"},
		EPSS: &advisory.EPSS{Score: 0.97565, Date: "2024-06-01"},
		SSVC: &advisory.SSVC{Exploitation: "active", Automatable: "yes", TechnicalImpact: "total", Provider: "CISA ADP Vulnrichment"},
		References: []advisory.Reference{
			{Type: "ADVISORY", URL: "https://logging.apache.org/log4j/2.x/security.html"},
			{Type: "WEB", URL: "http://packetstormsecurity.com/files/165225/Apache-Log4j2-2.14.1-Remote-Code-Execution.html", Tags: []string{"Exploit", "Third Party Advisory"}},
		},
	}
	a := &asset.Asset{Name: "web-01", Kind: asset.KindHost, Criticality: asset.CritCritical, Exposure: asset.ExpInternet}
	got := SSVCEvidenceFrom(rec, a)
	want := SSVCEvidence{
		KEV: true, PublicPoC: true, PoCRef: rec.References[1].URL, EPSS: ssvcPtr(0.97565),
		Published:   &advisory.SSVC{Exploitation: "active", Automatable: "yes", TechnicalImpact: "total", Provider: "CISA ADP Vulnrichment"},
		Criticality: asset.CritCritical, Exposure: asset.ExpInternet,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got.Published.Exploitation = "none"
	if rec.SSVC.Exploitation != "active" {
		t.Error("SSVCEvidenceFrom shares the record's SSVC")
	}
	if diff := cmp.Diff(SSVCEvidence{}, SSVCEvidenceFrom(nil, nil)); diff != "" {
		t.Errorf("nil, nil (-want +got):\n%s", diff)
	}
}

// ssvcWith returns a copy of m with k set to v.
func ssvcWith(m map[string]string, k, v string) map[string]string {
	c := make(map[string]string, len(m)+1)
	for mk, mv := range m {
		c[mk] = mv
	}
	c[k] = v
	return c
}
