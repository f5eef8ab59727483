package risk

import "math/bits"

// CVSS v2.0 scoring, by the equations of the Complete Guide section 3.2
// (https://www.first.org/cvss/v2/guide#3-2-Equations), in exact integer
// arithmetic.
//
// Why not float64, as go-cvss computes them: the guide's weights are
// decimals, and it rounds with round_to_1_decimal, half up. In float64,
// 9.0 × 0.95 is 8.549999999999999, not 8.55, and rounds to 8.5 where the
// equation gives 8.6; over the 72,900 base and temporal vectors such ties
// make 126 scores 0.1 too low, and 6,696 of the 1,399,680 environmental
// ones. Red Hat's library computes with Python's Decimal and so gets the
// equations' values; so does this, with every weight scaled to an integer
// (thousandths, hundredths, tenths as noted) so that each product is
// exact. TestV2ExactArithmetic checks the result against math/big over
// every base and temporal vector, and with -exhaustive every
// environmental one.

// v2 weights (guide section 3.2.1 to 3.2.3), scaled to integers.
var (
	v2AccessVector     = map[string]int64{"L": 395, "A": 646, "N": 1000}                     // thousandths
	v2AccessComplexity = map[string]int64{"H": 35, "M": 61, "L": 71}                         // hundredths
	v2Authentication   = map[string]int64{"M": 450, "S": 560, "N": 704}                      // thousandths
	v2ImpactWeight     = map[string]int64{"N": 0, "P": 275, "C": 660}                        // thousandths
	v2Exploitability   = map[string]int64{"U": 85, "POC": 90, "F": 95, "H": 100, "ND": 100}  // hundredths
	v2RemediationLevel = map[string]int64{"OF": 87, "TF": 90, "W": 95, "U": 100, "ND": 100}  // hundredths
	v2ReportConfidence = map[string]int64{"UC": 90, "UR": 95, "C": 100, "ND": 100}           // hundredths
	v2CollateralDamage = map[string]int64{"N": 0, "L": 1, "LM": 3, "MH": 4, "H": 5, "ND": 0} // tenths
	v2TargetDist       = map[string]int64{"N": 0, "L": 25, "M": 75, "H": 100, "ND": 100}     // hundredths
	v2Requirement      = map[string]int64{"L": 50, "M": 100, "H": 151, "ND": 100}            // hundredths
)

// Positions of the v2.0 metrics in specV2's order.
var (
	v2PosAV, v2PosAC, v2PosAu = specV2.index("AV"), specV2.index("AC"), specV2.index("Au")
	v2PosC, v2PosI, v2PosA    = specV2.index("C"), specV2.index("I"), specV2.index("A")
	v2PosE, v2PosRL, v2PosRC  = specV2.index("E"), specV2.index("RL"), specV2.index("RC")
	v2PosCDP, v2PosTD         = specV2.index("CDP"), specV2.index("TD")
	v2PosCR, v2PosIR, v2PosAR = specV2.index("CR"), specV2.index("IR"), specV2.index("AR")
)

// scoreV2 scores v2.0 metrics: v holds a value for each metric of specV2,
// in its order, "ND" for Not Defined. The scores may be negative (the
// caller clamps them); they are exact multiples of 0.1.
func scoreV2(v []string) scores {
	base := v2AdjustedBase(v, false)
	temporal := v2Temporal(base, v)
	// The environmental equation recomputes the temporal score from an
	// adjusted base, whose impact counts the security requirements. The
	// adjusted base and temporal scores are rounded, as the base and
	// temporal scores are; a negative one is carried on unclamped, as
	// go-cvss and Red Hat's library do.
	adjTemporal := v2Temporal(v2AdjustedBase(v, true), v)
	cdp := v2CollateralDamage[v[v2PosCDP]]
	td := v2TargetDist[v[v2PosTD]]
	// (AdjustedTemporal + (10 − AdjustedTemporal) × CDP) × TD in tenths:
	// AdjustedTemporal/10 + (100 − AdjustedTemporal)/10 × cdp/10 is
	// (10×AdjustedTemporal + (100 − AdjustedTemporal)×cdp) hundredths.
	s := 10*adjTemporal + (100-adjTemporal)*cdp
	env := mulDivRound(s*td, 1, 1000)
	return scores{fromTenths(base), fromTenths(temporal), fromTenths(env)}
}

// v2AdjustedBase returns the base score in tenths:
//
//	round_to_1_decimal(((0.6 × Impact) + (0.4 × Exploitability) − 1.5) × f(Impact))
//	Impact = 10.41 × (1 − (1 − ConfImpact) × (1 − IntegImpact) × (1 − AvailImpact))
//	Exploitability = 20 × AccessVector × AccessComplexity × Authentication
//	f(Impact) = 0 if Impact = 0, 1.176 otherwise
//
// With adjusted set it is the environmental equation's adjusted base: each
// impact weight is multiplied by its security requirement, and Impact is
// capped at 10 (AdjustedImpact). The base Impact has no cap; it reaches
// 10.41 × (1 − 0.34³) = 10.0008 at C:C/I:C/A:C.
func v2AdjustedBase(v []string, adjusted bool) int64 {
	// 1 − weight × requirement, in hundred-thousandths, for C, I and A.
	loss := func(impact, req int) int64 {
		r := int64(100)
		if adjusted {
			r = v2Requirement[v[req]]
		}
		return 100_000 - v2ImpactWeight[v[impact]]*r
	}
	// The product of three losses is in units of 1e-15, at most 1e15;
	// Impact = 10.41 × (1 − product) is in units of 1e-17, at most
	// 1.041e18.
	product := loss(v2PosC, v2PosCR) * loss(v2PosI, v2PosIR) * loss(v2PosA, v2PosAR)
	impact := 1041 * (1_000_000_000_000_000 - product)
	if adjusted {
		impact = min(impact, 1_000_000_000_000_000_000) // 10
	}
	if impact == 0 {
		return 0 // f(Impact) = 0
	}
	// av × ac × au is in units of 1e-8, so 0.4 × Exploitability = 8 × av
	// × ac × au is too; × 1e10 makes it 1e-18, the unit of 0.6 × Impact =
	// 6 × impact. The sum minus 1.5 is within ±8.75e18, inside int64, if
	// added in this order.
	exp := 8 * v2AccessVector[v[v2PosAV]] * v2AccessComplexity[v[v2PosAC]] * v2Authentication[v[v2PosAu]]
	x := 6*impact - 1_500_000_000_000_000_000 + exp*10_000_000_000
	// x × 1.176 in tenths is x × 1176 / 1e20 = x × 147 / 1.25e19.
	return mulDivRound(x, 147, 12_500_000_000_000_000_000)
}

// v2Temporal returns round_to_1_decimal(BaseScore × Exploitability ×
// RemediationLevel × ReportConfidence) in tenths, for base in tenths. The
// product of base and three hundredths is in units of 1e-7.
func v2Temporal(base int64, v []string) int64 {
	n := base * v2Exploitability[v[v2PosE]] * v2RemediationLevel[v[v2PosRL]] * v2ReportConfidence[v[v2PosRC]]
	return mulDivRound(n, 1, 1_000_000)
}

// mulDivRound returns n × mul / div rounded half away from zero, which is
// round_to_1_decimal's (and Python Decimal's ROUND_HALF_UP) rounding. The
// product is taken in 128 bits; div must be even, and |n| × mul / div
// must fit in int64.
func mulDivRound(n int64, mul, div uint64) int64 {
	u := uint64(n)
	if n < 0 {
		u = uint64(-n)
	}
	hi, lo := bits.Mul64(u, mul)
	lo, carry := bits.Add64(lo, div/2, 0)
	q, _ := bits.Div64(hi+carry, lo, div)
	if n < 0 {
		return -int64(q)
	}
	return int64(q)
}

// fromTenths turns a score in tenths into the float64 nearest it, as
// strconv.ParseFloat would read "8.6".
func fromTenths(t int64) float64 { return float64(t) / 10 }
