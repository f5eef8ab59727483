package csaf

import (
	"fmt"
	"math"
	"strings"
)

// This file computes CVSS v2 and v3.x scores from vector strings, for tests
// 6.1.9, 6.1.10 and 6.2.19. It follows the specifications' formulas:
// CVSS v2.0 Complete Guide section 3.2, CVSS v3.0 and v3.1 Specification
// section 8 with Appendix A (Roundup) of v3.1. The CSAF schema names the
// properties after FIRST's JSON schemas (schema/first/).

// metric is one vector metric: its abbreviation, the JSON property that
// repeats it, and its values (vector abbreviation → JSON value).
type metric struct {
	key    string
	prop   string
	values map[string]string
}

var (
	v3AV   = map[string]string{"N": "NETWORK", "A": "ADJACENT_NETWORK", "L": "LOCAL", "P": "PHYSICAL"}
	v3AC   = map[string]string{"L": "LOW", "H": "HIGH"}
	v3PR   = map[string]string{"N": "NONE", "L": "LOW", "H": "HIGH"}
	v3UI   = map[string]string{"N": "NONE", "R": "REQUIRED"}
	v3S    = map[string]string{"U": "UNCHANGED", "C": "CHANGED"}
	v3CIA  = map[string]string{"H": "HIGH", "L": "LOW", "N": "NONE"}
	v3E    = map[string]string{"X": "NOT_DEFINED", "U": "UNPROVEN", "P": "PROOF_OF_CONCEPT", "F": "FUNCTIONAL", "H": "HIGH"}
	v3RL   = map[string]string{"X": "NOT_DEFINED", "O": "OFFICIAL_FIX", "T": "TEMPORARY_FIX", "W": "WORKAROUND", "U": "UNAVAILABLE"}
	v3RC   = map[string]string{"X": "NOT_DEFINED", "U": "UNKNOWN", "R": "REASONABLE", "C": "CONFIRMED"}
	v3Req  = map[string]string{"X": "NOT_DEFINED", "L": "LOW", "M": "MEDIUM", "H": "HIGH"}
	v3MAV  = withX(v3AV)
	v3MAC  = withX(v3AC)
	v3MPR  = withX(v3PR)
	v3MUI  = withX(v3UI)
	v3MS   = withX(v3S)
	v3MCIA = withX(v3CIA)
)

func withX(m map[string]string) map[string]string {
	out := map[string]string{"X": "NOT_DEFINED"}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// v3Metrics lists the CVSS v3.x metrics; the first eight are the base
// metrics every vector must carry.
var v3Metrics = []metric{
	{"AV", "attackVector", v3AV},
	{"AC", "attackComplexity", v3AC},
	{"PR", "privilegesRequired", v3PR},
	{"UI", "userInteraction", v3UI},
	{"S", "scope", v3S},
	{"C", "confidentialityImpact", v3CIA},
	{"I", "integrityImpact", v3CIA},
	{"A", "availabilityImpact", v3CIA},
	{"E", "exploitCodeMaturity", v3E},
	{"RL", "remediationLevel", v3RL},
	{"RC", "reportConfidence", v3RC},
	{"CR", "confidentialityRequirement", v3Req},
	{"IR", "integrityRequirement", v3Req},
	{"AR", "availabilityRequirement", v3Req},
	{"MAV", "modifiedAttackVector", v3MAV},
	{"MAC", "modifiedAttackComplexity", v3MAC},
	{"MPR", "modifiedPrivilegesRequired", v3MPR},
	{"MUI", "modifiedUserInteraction", v3MUI},
	{"MS", "modifiedScope", v3MS},
	{"MC", "modifiedConfidentialityImpact", v3MCIA},
	{"MI", "modifiedIntegrityImpact", v3MCIA},
	{"MA", "modifiedAvailabilityImpact", v3MCIA},
}

var (
	v2AV  = map[string]string{"L": "LOCAL", "A": "ADJACENT_NETWORK", "N": "NETWORK"}
	v2AC  = map[string]string{"H": "HIGH", "M": "MEDIUM", "L": "LOW"}
	v2Au  = map[string]string{"M": "MULTIPLE", "S": "SINGLE", "N": "NONE"}
	v2CIA = map[string]string{"N": "NONE", "P": "PARTIAL", "C": "COMPLETE"}
	v2E   = map[string]string{"U": "UNPROVEN", "POC": "PROOF_OF_CONCEPT", "F": "FUNCTIONAL", "H": "HIGH", "ND": "NOT_DEFINED"}
	v2RL  = map[string]string{"OF": "OFFICIAL_FIX", "TF": "TEMPORARY_FIX", "W": "WORKAROUND", "U": "UNAVAILABLE", "ND": "NOT_DEFINED"}
	v2RC  = map[string]string{"UC": "UNCONFIRMED", "UR": "UNCORROBORATED", "C": "CONFIRMED", "ND": "NOT_DEFINED"}
	v2CDP = map[string]string{"N": "NONE", "L": "LOW", "LM": "LOW_MEDIUM", "MH": "MEDIUM_HIGH", "H": "HIGH", "ND": "NOT_DEFINED"}
	v2TD  = map[string]string{"N": "NONE", "L": "LOW", "M": "MEDIUM", "H": "HIGH", "ND": "NOT_DEFINED"}
	v2Req = map[string]string{"L": "LOW", "M": "MEDIUM", "H": "HIGH", "ND": "NOT_DEFINED"}
)

// v2Metrics lists the CVSS v2 metrics; the first six are the base metrics.
var v2Metrics = []metric{
	{"AV", "accessVector", v2AV},
	{"AC", "accessComplexity", v2AC},
	{"Au", "authentication", v2Au},
	{"C", "confidentialityImpact", v2CIA},
	{"I", "integrityImpact", v2CIA},
	{"A", "availabilityImpact", v2CIA},
	{"E", "exploitability", v2E},
	{"RL", "remediationLevel", v2RL},
	{"RC", "reportConfidence", v2RC},
	{"CDP", "collateralDamagePotential", v2CDP},
	{"TD", "targetDistribution", v2TD},
	{"CR", "confidentialityRequirement", v2Req},
	{"IR", "integrityRequirement", v2Req},
	{"AR", "availabilityRequirement", v2Req},
}

// vector is a parsed vector string: metric abbreviation → value.
type vector map[string]string

// parseVector splits metrics separated by "/" and checks each against the
// table. It rejects unknown metrics and values, repeated metrics and missing
// base metrics (the first nBase of the table).
func parseVector(s string, table []metric, nBase int) (vector, error) {
	v := vector{}
	for _, part := range strings.Split(s, "/") {
		k, val, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("%q is not a metric", part)
		}
		m := lookupMetric(table, k)
		if m == nil {
			return nil, fmt.Errorf("unknown metric %q", k)
		}
		if _, ok := m.values[val]; !ok {
			return nil, fmt.Errorf("invalid value %q for metric %s", val, k)
		}
		if _, dup := v[k]; dup {
			return nil, fmt.Errorf("metric %s given twice", k)
		}
		v[k] = val
	}
	for _, m := range table[:nBase] {
		if _, ok := v[m.key]; !ok {
			return nil, fmt.Errorf("base metric %s missing", m.key)
		}
	}
	return v, nil
}

func lookupMetric(table []metric, key string) *metric {
	for i := range table {
		if table[i].key == key {
			return &table[i]
		}
	}
	return nil
}

// get returns a metric's value, or def when the vector leaves it out.
func (v vector) get(key, def string) string {
	if s, ok := v[key]; ok {
		return s
	}
	return def
}

// cvssScores are a vector's computed scores. Severities are empty for v2,
// which defines none.
type cvssScores struct {
	base, temporal, environmental                         float64
	baseSeverity, temporalSeverity, environmentalSeverity string
}

// parseV3 parses "CVSS:3.x/..." and returns the minor version ("3.0" or
// "3.1") with the metrics.
func parseV3(s string) (string, vector, error) {
	version, rest, ok := strings.Cut(s, "/")
	if !ok || (version != "CVSS:3.0" && version != "CVSS:3.1") {
		return "", nil, fmt.Errorf("vector does not start with CVSS:3.0/ or CVSS:3.1/")
	}
	v, err := parseVector(rest, v3Metrics, 8)
	return strings.TrimPrefix(version, "CVSS:"), v, err
}

// scoreV3 computes the base, temporal and environmental scores of a v3.x
// vector (CVSS v3.1 Specification sections 7.1 to 7.3; v3.0 differs in
// Roundup and in the modified impact of a changed scope).
func scoreV3(version string, v vector) cvssScores {
	roundup := roundup31
	if version == "3.0" {
		roundup = roundup30
	}
	w := func(key, def string) float64 { return v3Weight(key, v.get(key, def)) }

	scopeChanged := v["S"] == "C"
	iss := 1 - (1-w("C", ""))*(1-w("I", ""))*(1-w("A", ""))
	var impact float64
	if scopeChanged {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	pr := v3PRWeight(v["PR"], scopeChanged)
	exploitability := 8.22 * w("AV", "") * w("AC", "") * pr * w("UI", "")
	var base float64
	switch {
	case impact <= 0:
	case scopeChanged:
		base = roundup(math.Min(1.08*(impact+exploitability), 10))
	default:
		base = roundup(math.Min(impact+exploitability, 10))
	}
	temporalFactor := w("E", "X") * w("RL", "X") * w("RC", "X")
	temporal := roundup(base * temporalFactor)

	// Modified metrics default to their base counterparts.
	mod := func(key, baseKey string) string {
		if s := v.get(key, "X"); s != "X" {
			return s
		}
		return v[baseKey]
	}
	mScopeChanged := mod("MS", "S") == "C"
	miss := math.Min(1-
		(1-v3Weight("CR", v.get("CR", "X"))*v3Weight("C", mod("MC", "C")))*
			(1-v3Weight("IR", v.get("IR", "X"))*v3Weight("I", mod("MI", "I")))*
			(1-v3Weight("AR", v.get("AR", "X"))*v3Weight("A", mod("MA", "A"))), 0.915)
	var mImpact float64
	switch {
	case !mScopeChanged:
		mImpact = 6.42 * miss
	case version == "3.0":
		mImpact = 7.52*(miss-0.029) - 3.25*math.Pow(miss-0.02, 15)
	default:
		mImpact = 7.52*(miss-0.029) - 3.25*math.Pow(miss*0.9731-0.02, 13)
	}
	mExploitability := 8.22 * v3Weight("AV", mod("MAV", "AV")) * v3Weight("AC", mod("MAC", "AC")) *
		v3PRWeight(mod("MPR", "PR"), mScopeChanged) * v3Weight("UI", mod("MUI", "UI"))
	var env float64
	switch {
	case mImpact <= 0:
	case mScopeChanged:
		env = roundup(roundup(math.Min(1.08*(mImpact+mExploitability), 10)) * temporalFactor)
	default:
		env = roundup(roundup(math.Min(mImpact+mExploitability, 10)) * temporalFactor)
	}
	return cvssScores{
		base: base, temporal: temporal, environmental: env,
		baseSeverity: v3Severity(base), temporalSeverity: v3Severity(temporal), environmentalSeverity: v3Severity(env),
	}
}

// v3Weights are the numeric values of v3.x metric values (specification
// section 7.4). PR depends on scope and has its own function.
var v3Weights = map[string]map[string]float64{
	"AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
	"AC": {"L": 0.77, "H": 0.44},
	"UI": {"N": 0.85, "R": 0.62},
	"C":  {"H": 0.56, "L": 0.22, "N": 0},
	"I":  {"H": 0.56, "L": 0.22, "N": 0},
	"A":  {"H": 0.56, "L": 0.22, "N": 0},
	"E":  {"X": 1, "H": 1, "F": 0.97, "P": 0.94, "U": 0.91},
	"RL": {"X": 1, "U": 1, "W": 0.97, "T": 0.96, "O": 0.95},
	"RC": {"X": 1, "C": 1, "R": 0.96, "U": 0.92},
	"CR": {"X": 1, "H": 1.5, "M": 1, "L": 0.5},
	"IR": {"X": 1, "H": 1.5, "M": 1, "L": 0.5},
	"AR": {"X": 1, "H": 1.5, "M": 1, "L": 0.5},
}

func v3Weight(key, val string) float64 { return v3Weights[key][val] }

func v3PRWeight(val string, scopeChanged bool) float64 {
	switch val {
	case "N":
		return 0.85
	case "L":
		if scopeChanged {
			return 0.68
		}
		return 0.62
	case "H":
		if scopeChanged {
			return 0.5
		}
		return 0.27
	}
	return 0
}

// roundup31 is Roundup from CVSS v3.1 Appendix A: the smallest number with
// one decimal that is not below x, computed on integers so that
// floating-point noise such as 4.000000000000001 does not round up.
func roundup31(x float64) float64 {
	i := math.Round(x * 100000)
	if math.Mod(i, 10000) == 0 {
		return i / 100000
	}
	return (math.Floor(i/10000) + 1) / 10
}

// roundup30 is Roundup as CVSS v3.0 and its reference calculator define it.
func roundup30(x float64) float64 { return math.Ceil(x*10) / 10 }

// v3Severity is the qualitative rating of CVSS v3.x section 5.
func v3Severity(score float64) string {
	switch {
	case score == 0:
		return "NONE"
	case score < 4:
		return "LOW"
	case score < 7:
		return "MEDIUM"
	case score < 9:
		return "HIGH"
	}
	return "CRITICAL"
}

// scoreV2 computes the scores of a CVSS v2 vector (Complete Guide sections
// 3.2.1 to 3.2.3).
func scoreV2(v vector) cvssScores {
	w := func(key string) float64 { return v2Weight(key, v.get(key, "ND")) }
	baseScore := func(impact float64) float64 {
		exploitability := 20 * w("AV") * w("AC") * w("Au")
		f := 0.0
		if impact != 0 {
			f = 1.176
		}
		return round1((0.6*impact + 0.4*exploitability - 1.5) * f)
	}
	impact := 10.41 * (1 - (1-w("C"))*(1-w("I"))*(1-w("A")))
	base := baseScore(impact)
	temporalFactor := w("E") * w("RL") * w("RC")
	temporal := round1(base * temporalFactor)

	adjustedImpact := math.Min(10, 10.41*(1-(1-w("C")*w("CR"))*(1-w("I")*w("IR"))*(1-w("A")*w("AR"))))
	adjustedTemporal := round1(baseScore(adjustedImpact) * temporalFactor)
	env := round1((adjustedTemporal + (10-adjustedTemporal)*w("CDP")) * w("TD"))
	return cvssScores{base: base, temporal: temporal, environmental: env}
}

// v2Weights are the numeric values of v2 metric values (Complete Guide
// section 3.2.4).
var v2Weights = map[string]map[string]float64{
	"AV":  {"L": 0.395, "A": 0.646, "N": 1},
	"AC":  {"H": 0.35, "M": 0.61, "L": 0.71},
	"Au":  {"M": 0.45, "S": 0.56, "N": 0.704},
	"C":   {"N": 0, "P": 0.275, "C": 0.66},
	"I":   {"N": 0, "P": 0.275, "C": 0.66},
	"A":   {"N": 0, "P": 0.275, "C": 0.66},
	"E":   {"U": 0.85, "POC": 0.9, "F": 0.95, "H": 1, "ND": 1},
	"RL":  {"OF": 0.87, "TF": 0.9, "W": 0.95, "U": 1, "ND": 1},
	"RC":  {"UC": 0.9, "UR": 0.95, "C": 1, "ND": 1},
	"CDP": {"N": 0, "L": 0.1, "LM": 0.3, "MH": 0.4, "H": 0.5, "ND": 0},
	"TD":  {"N": 0, "L": 0.25, "M": 0.75, "H": 1, "ND": 1},
	"CR":  {"L": 0.5, "M": 1, "H": 1.51, "ND": 1},
	"IR":  {"L": 0.5, "M": 1, "H": 1.51, "ND": 1},
	"AR":  {"L": 0.5, "M": 1, "H": 1.51, "ND": 1},
}

func v2Weight(key, val string) float64 { return v2Weights[key][val] }

// round1 rounds to one decimal, halves away from zero, as the v2 guide's
// round_to_1_decimal. The small bias absorbs floating-point noise such as
// 4.249999999999999 for a true 4.25.
func round1(x float64) float64 {
	return math.Round(x*10+math.Copysign(1e-9, x)) / 10
}
