package risk

// The decision points of the two CISA tables, as typed values, and how
// vmc derives each from what it knows about a vulnerability and an asset.
// Every derivation says, in a sentence, where its value came from, so that
// a person can check it and override it (ssvc_decide.go).

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
)

// PointID names a decision point vmc derives, by its SSVC ID
// ("namespace:key:version"). The two tables name their points the same
// way; a test checks that each of these is an input of one of them.
type PointID string

const (
	// PointExploitation is SSVC Exploitation 1.1.0 (Coordinator table).
	PointExploitation PointID = "ssvc:E:1.1.0"
	// PointAutomatable is SSVC Automatable 2.0.0 (both tables).
	PointAutomatable PointID = "ssvc:A:2.0.0"
	// PointTechnicalImpact is SSVC Technical Impact 1.0.0 (both tables).
	PointTechnicalImpact PointID = "ssvc:TI:1.0.0"
	// PointMissionWellBeing is SSVC Mission and Well-Being Impact 1.0.0
	// (Coordinator table).
	PointMissionWellBeing PointID = "ssvc:MWI:1.0.0"
	// PointInKEV is CISA In KEV 1.0.0 (BOD 26-04 table).
	PointInKEV PointID = "cisa:KEV:1.0.0"
	// PointPubliclyExposed is CISA Publicly Exposed 1.0.0 (BOD 26-04 table).
	PointPubliclyExposed PointID = "cisa:PE:1.0.0"
)

// ssvcPoints is every PointID, in the order decisions list them: the
// Coordinator table's inputs, then the BOD 26-04 table's others.
var ssvcPoints = []PointID{
	PointExploitation, PointAutomatable, PointTechnicalImpact, PointMissionWellBeing,
	PointInKEV, PointPubliclyExposed,
}

// PointIDs returns every decision point vmc derives, in display order.
func PointIDs() []PointID { return slices.Clone(ssvcPoints) }

func (p PointID) String() string { return string(p) }

// IsValid reports whether p is one of the decision points vmc derives.
func (p PointID) IsValid() bool { return slices.Contains(ssvcPoints, p) }

// UnmarshalText rejects unknown decision points, so that an override of a
// point no table reads is an error at the boundary.
func (p *PointID) UnmarshalText(b []byte) error {
	if !PointID(b).IsValid() {
		return fmt.Errorf("unknown SSVC decision point %q", b)
	}
	*p = PointID(b)
	return nil
}

// Definition returns the decision point as the embedded tables define it:
// its name, and its values' names and definitions, for display.
func (p PointID) Definition() (DecisionPoint, bool) {
	for _, t := range []*DecisionTable{ssvcCoordinator(), ssvcBOD2604()} {
		for _, q := range t.Inputs {
			if q.ID() == string(p) {
				return q.clone(), true
			}
		}
	}
	return DecisionPoint{}, false
}

// The typed values. Each is the SSVC value key, as the tables' rows write
// it; a test checks the constants against the embedded tables.

// Exploitation is SSVC Exploitation 1.1.0: the present state of
// exploitation of the vulnerability.
type Exploitation string

const (
	ExploitationNone      Exploitation = "N"
	ExploitationPublicPoC Exploitation = "P"
	ExploitationActive    Exploitation = "A"
)

// Automatable is SSVC Automatable 2.0.0: can an attacker reliably automate
// steps 1-4 of the kill chain (reconnaissance, weaponisation, delivery,
// exploitation)?
type Automatable string

const (
	AutomatableNo  Automatable = "N"
	AutomatableYes Automatable = "Y"
)

// TechnicalImpact is SSVC Technical Impact 1.0.0: partial or total control
// of, or disclosure from, the vulnerable software.
type TechnicalImpact string

const (
	TechnicalImpactPartial TechnicalImpact = "P"
	TechnicalImpactTotal   TechnicalImpact = "T"
)

// MissionWellBeing is SSVC Mission and Well-Being Impact 1.0.0, which
// combines Mission Prevalence and Public Well-Being Impact.
type MissionWellBeing string

const (
	MissionWellBeingLow    MissionWellBeing = "L"
	MissionWellBeingMedium MissionWellBeing = "M"
	MissionWellBeingHigh   MissionWellBeing = "H"
)

// InKEV is CISA In KEV 1.0.0: is the vulnerability in CISA's Known
// Exploited Vulnerabilities catalogue?
type InKEV string

const (
	InKEVNo  InKEV = "N"
	InKEVYes InKEV = "Y"
)

// PubliclyExposed is CISA Publicly Exposed 1.0.0: is the asset reachable
// by unauthenticated or untrusted entities over public networks?
type PubliclyExposed string

const (
	PubliclyExposedNo  PubliclyExposed = "N"
	PubliclyExposedYes PubliclyExposed = "Y"
)

func (v Exploitation) String() string     { return string(v) }
func (v Automatable) String() string      { return string(v) }
func (v TechnicalImpact) String() string  { return string(v) }
func (v MissionWellBeing) String() string { return string(v) }
func (v InKEV) String() string            { return string(v) }
func (v PubliclyExposed) String() string  { return string(v) }

// IsValid reports whether v is a value of SSVC Exploitation 1.1.0.
func (v Exploitation) IsValid() bool {
	return slices.Contains([]Exploitation{ExploitationNone, ExploitationPublicPoC, ExploitationActive}, v)
}

// IsValid reports whether v is a value of SSVC Automatable 2.0.0.
func (v Automatable) IsValid() bool {
	return slices.Contains([]Automatable{AutomatableNo, AutomatableYes}, v)
}

// IsValid reports whether v is a value of SSVC Technical Impact 1.0.0.
func (v TechnicalImpact) IsValid() bool {
	return slices.Contains([]TechnicalImpact{TechnicalImpactPartial, TechnicalImpactTotal}, v)
}

// IsValid reports whether v is a value of SSVC Mission and Well-Being
// Impact 1.0.0.
func (v MissionWellBeing) IsValid() bool {
	return slices.Contains([]MissionWellBeing{MissionWellBeingLow, MissionWellBeingMedium, MissionWellBeingHigh}, v)
}

// IsValid reports whether v is a value of CISA In KEV 1.0.0.
func (v InKEV) IsValid() bool { return slices.Contains([]InKEV{InKEVNo, InKEVYes}, v) }

// IsValid reports whether v is a value of CISA Publicly Exposed 1.0.0.
func (v PubliclyExposed) IsValid() bool {
	return slices.Contains([]PubliclyExposed{PubliclyExposedNo, PubliclyExposedYes}, v)
}

// UnmarshalText rejects values outside the decision point.
func (v *Exploitation) UnmarshalText(b []byte) error {
	return unmarshalSSVCValue(b, v, Exploitation.IsValid, PointExploitation)
}

// UnmarshalText rejects values outside the decision point.
func (v *Automatable) UnmarshalText(b []byte) error {
	return unmarshalSSVCValue(b, v, Automatable.IsValid, PointAutomatable)
}

// UnmarshalText rejects values outside the decision point.
func (v *TechnicalImpact) UnmarshalText(b []byte) error {
	return unmarshalSSVCValue(b, v, TechnicalImpact.IsValid, PointTechnicalImpact)
}

// UnmarshalText rejects values outside the decision point.
func (v *MissionWellBeing) UnmarshalText(b []byte) error {
	return unmarshalSSVCValue(b, v, MissionWellBeing.IsValid, PointMissionWellBeing)
}

// UnmarshalText rejects values outside the decision point.
func (v *InKEV) UnmarshalText(b []byte) error {
	return unmarshalSSVCValue(b, v, InKEV.IsValid, PointInKEV)
}

// UnmarshalText rejects values outside the decision point.
func (v *PubliclyExposed) UnmarshalText(b []byte) error {
	return unmarshalSSVCValue(b, v, PubliclyExposed.IsValid, PointPubliclyExposed)
}

func unmarshalSSVCValue[T ~string](b []byte, dst *T, valid func(T) bool, p PointID) error {
	if !valid(T(b)) {
		return fmt.Errorf("%s: unknown value %q", p, b)
	}
	*dst = T(b)
	return nil
}

// SSVCEvidence is what vmc knows about one vulnerability on one asset, from
// which the decision points are derived. Empty means unknown.
type SSVCEvidence struct {
	// KEV: the vulnerability is in CISA's Known Exploited Vulnerabilities
	// catalogue.
	KEV bool
	// PublicPoC: there is a public proof of concept or exploit, for
	// example a reference tagged "exploit" (CVE JSON 5, NVD), a
	// Metasploit module or an Exploit Database entry. PoCRef says which,
	// for the explanation.
	PublicPoC bool
	PoCRef    string
	// EPSS is the vulnerability's EPSS score, the probability of
	// exploitation activity in the next 30 days, in [0, 1]; nil if none.
	EPSS *float64
	// CVSS holds the metrics of the vulnerability's chosen CVSS vector
	// (v2, v3.x or v4.0), abbreviation to value as the vector writes them:
	// {"AV": "N", "AC": "L", "PR": "N", ...}. It is a plain map, not the
	// CVSS types of this package, so that SSVC does not depend on how
	// vectors are parsed; the version is told from the metrics present.
	// CVSSVector is the vector itself, for the explanation only.
	CVSS       map[string]string
	CVSSVector string
	// Published is the SSVC decision a provider (CISA's vulnrichment ADP)
	// published for the vulnerability, if any. Its values are CISA's lower
	// case words ("none", "poc", "active"; "no", "yes"; "partial", "total").
	Published *advisory.SSVC
	// Criticality and Exposure are the asset's (package asset).
	Criticality asset.Criticality
	Exposure    asset.Exposure
}

// SSVCEvidenceFrom gathers the evidence a merged advisory record and an
// asset hold: KEV, EPSS, the published SSVC decision, references tagged
// "exploit", and the asset's criticality and exposure. rec or a may be
// nil. CVSS is left to the caller, which chooses the vector (and parses
// it) by its own precedence.
func SSVCEvidenceFrom(rec *advisory.Record, a *asset.Asset) SSVCEvidence {
	var ev SSVCEvidence
	if rec != nil {
		ev.KEV = rec.KEV != nil
		if rec.EPSS != nil {
			s := rec.EPSS.Score
			ev.EPSS = &s
		}
		if rec.SSVC != nil {
			p := *rec.SSVC
			ev.Published = &p
		}
		for _, r := range rec.References {
			if slices.ContainsFunc(r.Tags, func(t string) bool { return strings.EqualFold(t, "exploit") }) {
				ev.PublicPoC, ev.PoCRef = true, r.URL
				break
			}
		}
	}
	if a != nil {
		ev.Criticality, ev.Exposure = a.Criticality, a.Exposure
	}
	return ev
}

// Derivation is a decision point's value as vmc derived it, and why.
type Derivation[V ~string] struct {
	Value V
	// Why says where the value came from, in a sentence.
	Why string
	// Assumed is set when the evidence was missing and Value is vmc's
	// default for that case: a value worth an analyst's look.
	Assumed bool
}

// DefaultEPSSPoCThreshold is the EPSS score at or above which vmc takes
// Exploitation to be at least Public PoC when no PoC is otherwise known.
//
// Why 0.1: EPSS is a forecast, not an observation, so it can never make
// Exploitation Active; but the published exploit code (Metasploit,
// Exploit Database, GitHub) that SSVC's Public PoC means is among the
// strongest features of the EPSS model, and a score of 10% or more is
// rare (EPSS scores are very skewed: most vulnerabilities score well
// under 1%). A score that high is better read as "exploit code very
// likely exists and vmc has not seen it" than as "none". It is a policy
// choice, hence SSVCOptions.EPSSPoCThreshold.
const DefaultEPSSPoCThreshold = 0.1

// SSVCOptions are the policy choices in deriving decision points.
type SSVCOptions struct {
	// EPSSPoCThreshold is the EPSS score at or above which Exploitation is
	// Public PoC (see DefaultEPSSPoCThreshold). 0 means the default; a
	// value above 1 turns the rule off.
	EPSSPoCThreshold float64
}

// epssThreshold returns the threshold in effect, or an error for one that
// is not a number or negative.
func (o SSVCOptions) epssThreshold() (float64, error) {
	t := o.EPSSPoCThreshold
	switch {
	case math.IsNaN(t) || t < 0:
		return 0, fmt.Errorf("SSVC options: EPSS PoC threshold %v: want 0 (default), a score in (0, 1], or above 1 (off)", t)
	case t == 0:
		return DefaultEPSSPoCThreshold, nil
	}
	return t, nil
}

// DeriveExploitation derives SSVC Exploitation. In order:
//
//  1. In KEV: Active. CISA adds a vulnerability to KEV only on reliable
//     evidence of exploitation in the wild, which is what Active means.
//  2. A published SSVC decision says active: Active.
//  3. A public PoC is known, or the published decision says poc: Public PoC.
//  4. EPSS at or above the threshold: Public PoC (DefaultEPSSPoCThreshold).
//  5. Otherwise None, which SSVC defines as the absence of such evidence;
//     None is therefore never "assumed".
//
// threshold is the EPSS score at or above which step 4 applies, taken as
// given: DecideSSVC passes SSVCOptions' threshold, with 0 resolved to
// DefaultEPSSPoCThreshold.
func DeriveExploitation(ev SSVCEvidence, threshold float64) Derivation[Exploitation] {
	pub := ""
	if ev.Published != nil {
		pub = strings.ToLower(ev.Published.Exploitation)
	}
	switch {
	case ev.KEV:
		return Derivation[Exploitation]{Value: ExploitationActive, Why: "in CISA KEV: exploited in the wild"}
	case pub == "active":
		return Derivation[Exploitation]{Value: ExploitationActive, Why: "published SSVC decision" + ssvcPublishedBy(ev.Published) + " says active"}
	case ev.PublicPoC:
		why := "public proof of concept"
		if ev.PoCRef != "" {
			why += ": " + ev.PoCRef
		}
		return Derivation[Exploitation]{Value: ExploitationPublicPoC, Why: why}
	case pub == "poc":
		return Derivation[Exploitation]{Value: ExploitationPublicPoC, Why: "published SSVC decision" + ssvcPublishedBy(ev.Published) + " says poc"}
	case ev.EPSS != nil && *ev.EPSS >= threshold:
		return Derivation[Exploitation]{Value: ExploitationPublicPoC,
			Why: fmt.Sprintf("EPSS %.4g is at or above the threshold %.4g: exploit code likely exists (EPSS is a forecast, so never active)", *ev.EPSS, threshold)}
	}
	why := "not in CISA KEV, no public proof of concept known"
	switch {
	case ev.EPSS != nil:
		why += fmt.Sprintf(", EPSS %.4g below the threshold %.4g", *ev.EPSS, threshold)
	default:
		why += ", no EPSS score"
	}
	if pub == "none" {
		why += "; published SSVC decision" + ssvcPublishedBy(ev.Published) + " says none"
	}
	return Derivation[Exploitation]{Value: ExploitationNone, Why: why}
}

// DeriveAutomatable derives SSVC Automatable. In order:
//
//  1. A published SSVC decision's yes or no: a person at the provider
//     judged it.
//  2. CVSS v4.0's supplemental Automatable (AU:Y or AU:N), which FIRST
//     defines as SSVC's.
//  3. The CVSS exploitability metrics, as SSVC's documentation suggests:
//     attackable over the network (AV:N), with low complexity (AC:L, and
//     in v4.0 AT:N), no privileges (PR:N; Au:N in v2) and no user
//     interaction (UI:N; v2 has no such metric) is Yes, and anything else
//     No, since each of those stops a reliable automated chain.
//  4. No usable CVSS: Yes, assumed. Unknown is taken as the worse case,
//     so that missing data never lowers a priority unseen.
func DeriveAutomatable(ev SSVCEvidence) Derivation[Automatable] {
	if ev.Published != nil {
		switch strings.ToLower(ev.Published.Automatable) {
		case "yes":
			return Derivation[Automatable]{Value: AutomatableYes, Why: "published SSVC decision" + ssvcPublishedBy(ev.Published) + " says yes"}
		case "no":
			return Derivation[Automatable]{Value: AutomatableNo, Why: "published SSVC decision" + ssvcPublishedBy(ev.Published) + " says no"}
		}
	}
	m := ev.CVSS
	ver := ssvcCVSSMajor(m)
	if ver == 4 {
		switch m["AU"] {
		case "Y":
			return Derivation[Automatable]{Value: AutomatableYes, Why: "CVSS v4.0 supplemental metric AU:Y" + ssvcVectorNote(ev)}
		case "N":
			return Derivation[Automatable]{Value: AutomatableNo, Why: "CVSS v4.0 supplemental metric AU:N" + ssvcVectorNote(ev)}
		}
	}
	var want []string
	switch ver {
	case 2:
		want = []string{"AV:N", "AC:L", "Au:N"}
	case 3:
		want = []string{"AV:N", "AC:L", "PR:N", "UI:N"}
	case 4:
		want = []string{"AV:N", "AC:L", "AT:N", "PR:N", "UI:N"}
	default:
		return Derivation[Automatable]{Value: AutomatableYes, Assumed: true,
			Why: "no CVSS vector to judge by: assumed yes, the worse case"}
	}
	var miss []string
	for _, w := range want {
		k, v, _ := strings.Cut(w, ":")
		if m[k] != v {
			miss = append(miss, k+":"+ssvcOrDash(m[k]))
		}
	}
	if len(miss) == 0 {
		return Derivation[Automatable]{Value: AutomatableYes,
			Why: fmt.Sprintf("CVSS v%d %s: reachable over the network with no privileges or user interaction", ver, strings.Join(want, "/")) + ssvcVectorNote(ev)}
	}
	return Derivation[Automatable]{Value: AutomatableNo,
		Why: fmt.Sprintf("CVSS v%d %s, not %s: the chain cannot be reliably automated", ver, strings.Join(miss, "/"), strings.Join(want, "/")) + ssvcVectorNote(ev)}
}

// DeriveTechnicalImpact derives SSVC Technical Impact. In order:
//
//  1. A published SSVC decision's partial or total.
//  2. CVSS: Total when confidentiality, integrity and availability of the
//     vulnerable system are all lost completely (v3 C:H/I:H/A:H, v4.0
//     VC:H/VI:H/VA:H, v2 C:C/I:C/A:C), else Partial. SSVC's Total is
//     total control or total disclosure; C:H alone reads like the latter,
//     but CVSS also gives C:H to serious partial disclosures, so vmc asks
//     for all three and leaves the rest to an analyst's override. v4.0's
//     subsequent-system metrics (SC, SI, SA) are not used: Technical
//     Impact is about the vulnerable software itself.
//  3. No usable CVSS: Total, assumed (the worse case).
func DeriveTechnicalImpact(ev SSVCEvidence) Derivation[TechnicalImpact] {
	if ev.Published != nil {
		switch strings.ToLower(ev.Published.TechnicalImpact) {
		case "total":
			return Derivation[TechnicalImpact]{Value: TechnicalImpactTotal, Why: "published SSVC decision" + ssvcPublishedBy(ev.Published) + " says total"}
		case "partial":
			return Derivation[TechnicalImpact]{Value: TechnicalImpactPartial, Why: "published SSVC decision" + ssvcPublishedBy(ev.Published) + " says partial"}
		}
	}
	m := ev.CVSS
	ver := ssvcCVSSMajor(m)
	var want []string
	switch ver {
	case 2:
		want = []string{"C:C", "I:C", "A:C"}
	case 3:
		want = []string{"C:H", "I:H", "A:H"}
	case 4:
		want = []string{"VC:H", "VI:H", "VA:H"}
	default:
		return Derivation[TechnicalImpact]{Value: TechnicalImpactTotal, Assumed: true,
			Why: "no CVSS vector to judge by: assumed total, the worse case"}
	}
	var got []string
	total := true
	for _, w := range want {
		k, v, _ := strings.Cut(w, ":")
		got = append(got, k+":"+ssvcOrDash(m[k]))
		total = total && m[k] == v
	}
	if total {
		return Derivation[TechnicalImpact]{Value: TechnicalImpactTotal,
			Why: fmt.Sprintf("CVSS v%d %s: complete loss of confidentiality, integrity and availability", ver, strings.Join(got, "/")) + ssvcVectorNote(ev)}
	}
	return Derivation[TechnicalImpact]{Value: TechnicalImpactPartial,
		Why: fmt.Sprintf("CVSS v%d %s, not %s", ver, strings.Join(got, "/"), strings.Join(want, "/")) + ssvcVectorNote(ev)}
}

// DeriveMissionWellBeing derives SSVC Mission and Well-Being Impact from
// the asset's criticality: low is Low, medium is Medium, high and critical
// are High. SSVC's High is "Mission Prevalence Essential, or Public
// Well-Being Impact Irreversible"; an asset the organisation rates high
// or critical is the one whose failure it counts as mission failure.
// Unset is Medium, assumed: the middle, neither hiding nor inflating.
func DeriveMissionWellBeing(c asset.Criticality) Derivation[MissionWellBeing] {
	switch c {
	case asset.CritLow:
		return Derivation[MissionWellBeing]{Value: MissionWellBeingLow, Why: "asset criticality low"}
	case asset.CritMedium:
		return Derivation[MissionWellBeing]{Value: MissionWellBeingMedium, Why: "asset criticality medium"}
	case asset.CritHigh, asset.CritCritical:
		return Derivation[MissionWellBeing]{Value: MissionWellBeingHigh, Why: "asset criticality " + string(c)}
	}
	return Derivation[MissionWellBeing]{Value: MissionWellBeingMedium, Assumed: true,
		Why: fmt.Sprintf("asset criticality %s: assumed medium", ssvcUnsetOr(string(c)))}
}

// DerivePubliclyExposed derives CISA Publicly Exposed from the asset's
// exposure: internet is Yes; internal and isolated are No (reachable only
// from networks the organisation controls). Unset is Yes, assumed: BOD
// 26-04 asks whether untrusted parties can reach the asset, and an asset
// nobody has classified cannot be said to be out of their reach.
func DerivePubliclyExposed(e asset.Exposure) Derivation[PubliclyExposed] {
	switch e {
	case asset.ExpInternet:
		return Derivation[PubliclyExposed]{Value: PubliclyExposedYes, Why: "asset exposure internet"}
	case asset.ExpInternal, asset.ExpIsolated:
		return Derivation[PubliclyExposed]{Value: PubliclyExposedNo, Why: "asset exposure " + string(e)}
	}
	return Derivation[PubliclyExposed]{Value: PubliclyExposedYes, Assumed: true,
		Why: fmt.Sprintf("asset exposure %s: assumed exposed, the worse case", ssvcUnsetOr(string(e)))}
}

// DeriveInKEV derives CISA In KEV: whether the vulnerability is in the
// KEV catalogue vmc holds.
func DeriveInKEV(ev SSVCEvidence) Derivation[InKEV] {
	if ev.KEV {
		return Derivation[InKEV]{Value: InKEVYes, Why: "in CISA KEV"}
	}
	return Derivation[InKEV]{Value: InKEVNo, Why: "not in CISA KEV"}
}

// ssvcCVSSMajor tells the CVSS major version from the metrics present: only
// v4.0 has VC (and AT), only v2 has Au, and v3 has PR without either.
// 0 means the map is no CVSS base vector vmc recognises.
func ssvcCVSSMajor(m map[string]string) int {
	_, vc := m["VC"]
	_, au := m["Au"]
	_, pr := m["PR"]
	switch {
	case vc:
		return 4
	case au:
		return 2
	case pr:
		return 3
	}
	return 0
}

func ssvcVectorNote(ev SSVCEvidence) string {
	if ev.CVSSVector == "" {
		return ""
	}
	return " (" + ev.CVSSVector + ")"
}

func ssvcPublishedBy(s *advisory.SSVC) string {
	if s == nil || s.Provider == "" {
		return ""
	}
	if s.Timestamp != "" {
		return " by " + s.Provider + " at " + s.Timestamp
	}
	return " by " + s.Provider
}

func ssvcOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ssvcUnsetOr(s string) string {
	if s == "" {
		return "not set"
	}
	return fmt.Sprintf("unknown %q", s)
}
