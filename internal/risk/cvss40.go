package risk

import (
	"math"
	"strings"
)

// CVSS v4.0 scoring: FIRST's calculator algorithm
// (https://www.first.org/cvss/calculator/4.0, cvss40.js in
// github.com/RedHatProductSecurity/cvss-v4-calculator), over its tables in
// cvss40_tables.go. Specification section 8.2 describes the method: the
// vector's MacroVector gives a score from the lookup table, which is then
// lowered, within the MacroVector, by how far the vector lies from the
// MacroVector's highest-severity vectors.
//
// Why vmc does not use go-cvss for v4.0: go-cvss (v0.6.4) computes the
// same value by a different float path and rounds it with
// math.Round(x*10)/10. Where the exact value is a tie at x.x5, float
// error decides the rounding; the calculator adds 1e-6 before rounding
// (roundToDecimalPlaces in cvss40.js) so that such ties round up, and
// go-cvss does not (pandatix/go-cvss#292). Of the 104,976 base vectors,
// go-cvss scores 450 such ties 0.1 lower, five of them in Red Hat's test
// vectors.
//
// The code follows cvss40.js step by step, with the same float64 values
// in the same order of operations, so that it rounds as the calculator
// does. Products that are added up are converted with float64(...),
// which forbids the compiler from fusing them into a multiply-add (the Go
// specification allows fusion otherwise, and JavaScript never fuses).

// v4Dim is a metric the calculator measures severity distances in, in
// the order of cvss40.js's METRIC_LEVELS.
type v4Dim int

const (
	v4DimAV v4Dim = iota
	v4DimPR
	v4DimUI
	v4DimAC
	v4DimAT
	v4DimVC
	v4DimVI
	v4DimVA
	v4DimSC
	v4DimSI
	v4DimSA
	v4DimCR
	v4DimIR
	v4DimAR
	v4DimE
	v4NumDims
)

var v4DimKeys = [v4NumDims]string{"AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR", "E"}

// v4Levels is the severity level of each value of each dimension
// (cvss40.js METRIC_LEVELS): 0 is the most severe, and each step less
// severe adds 0.1. SC starts at 0.1 because SI and SA have Safety (S)
// above High.
var v4Levels = [v4NumDims]map[string]float64{
	v4DimAV: {"N": 0.0, "A": 0.1, "L": 0.2, "P": 0.3},
	v4DimPR: {"N": 0.0, "L": 0.1, "H": 0.2},
	v4DimUI: {"N": 0.0, "P": 0.1, "A": 0.2},
	v4DimAC: {"L": 0.0, "H": 0.1},
	v4DimAT: {"N": 0.0, "P": 0.1},
	v4DimVC: {"H": 0.0, "L": 0.1, "N": 0.2},
	v4DimVI: {"H": 0.0, "L": 0.1, "N": 0.2},
	v4DimVA: {"H": 0.0, "L": 0.1, "N": 0.2},
	v4DimSC: {"H": 0.1, "L": 0.2, "N": 0.3},
	v4DimSI: {"S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3},
	v4DimSA: {"S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3},
	v4DimCR: {"H": 0.0, "M": 0.1, "L": 0.2},
	v4DimIR: {"H": 0.0, "M": 0.1, "L": 0.2},
	v4DimAR: {"H": 0.0, "M": 0.1, "L": 0.2},
	v4DimE:  {"U": 0.2, "P": 0.1, "A": 0.0},
}

// v4Positions locates each dimension's metric, and the metric that
// modifies it (-1 if none), in specV4's order.
var v4Positions = func() (p [v4NumDims]struct{ metric, modified int }) {
	for d, key := range v4DimKeys {
		p[d].metric = specV4.index(key)
		p[d].modified = specV4.index("M" + key)
	}
	return p
}()

var v4PosMSI, v4PosMSA = specV4.index("MSI"), specV4.index("MSA")

// v4Fragment is one highest-severity vector of an equivalence set: the
// levels of the dimensions it sets.
type v4Fragment []struct {
	dim   v4Dim
	level float64
}

// v4Maxes is v4MaxComposed with each vector read into a v4Fragment.
var v4Maxes = func() (m struct {
	eq1 [3][]v4Fragment
	eq2 [2][]v4Fragment
	eq3 [3][2][]v4Fragment
	eq4 [3][]v4Fragment
	eq5 [3][]v4Fragment
}) {
	read := func(ss []string) []v4Fragment {
		var fs []v4Fragment
		for _, s := range ss {
			fs = append(fs, parseV4Fragment(s))
		}
		return fs
	}
	for i := range 3 {
		m.eq1[i] = read(v4MaxComposed.eq1[i])
		m.eq4[i] = read(v4MaxComposed.eq4[i])
		m.eq5[i] = read(v4MaxComposed.eq5[i])
		for j := range 2 {
			m.eq3[i][j] = read(v4MaxComposed.eq3[i][j])
		}
	}
	for i := range 2 {
		m.eq2[i] = read(v4MaxComposed.eq2[i])
	}
	return m
}()

// parseV4Fragment reads "AV:N/PR:N/UI:N/". The calculator looks each
// metric up with indexOf, which finds the right one here because no
// metric's abbreviation occurs earlier in these strings. The strings are
// constants, so a bad one is a programming error and panics at start-up.
func parseV4Fragment(s string) v4Fragment {
	var f v4Fragment
	for p := range strings.SplitSeq(strings.TrimSuffix(s, "/"), "/") {
		key, val, _ := strings.Cut(p, ":")
		d := v4Dim(-1)
		for i, k := range v4DimKeys {
			if k == key {
				d = v4Dim(i)
			}
		}
		level, ok := 0.0, false
		if d >= 0 {
			level, ok = v4Levels[d][val]
		}
		if !ok {
			panic("risk: bad v4.0 max vector " + s)
		}
		f = append(f, struct {
			dim   v4Dim
			level float64
		}{d, level})
	}
	return f
}

// v4Score looks a MacroVector up by its six levels (each 0 to 3); ok is
// false when it does not exist, which the calculator sees as NaN.
func v4Score(eq [6]int) (score float64, ok bool) {
	var k [6]byte
	for i, e := range eq {
		k[i] = byte('0' + e)
	}
	score, ok = v4Lookup[string(k[:])] // no allocation for the key
	return score, ok
}

// scoreV4 scores v4.0 metrics: v holds a value for each metric of specV4,
// in its order, "X" for Not Defined. The score is that of FIRST's
// calculator, rounded to one decimal.
func scoreV4(v []string) float64 {
	return roundV4(v4Unrounded(v))
}

// roundV4 rounds as the calculator's roundToDecimalPlaces does: half up,
// after adding 1e-6 so that a tie that float arithmetic lands just below
// (5.6499999999999995 for 5.65) still rounds up.
func roundV4(x float64) float64 {
	return math.Round((x+1e-6)*10) / 10
}

// v4Unrounded is cvss40.js's calculateScore before its final rounding.
func v4Unrounded(v []string) float64 {
	// getEffectiveMetricValue: E, CR, IR and AR Not Defined count as
	// their worst case; a modified metric that is set replaces its base
	// metric.
	var eff [v4NumDims]string
	for d, p := range v4Positions {
		val := v[p.metric]
		switch {
		case val == "X" && v4Dim(d) == v4DimE:
			val = "A"
		case val == "X" && (v4Dim(d) == v4DimCR || v4Dim(d) == v4DimIR || v4Dim(d) == v4DimAR):
			val = "H"
		case p.modified >= 0 && v[p.modified] != "X":
			val = v[p.modified]
		}
		eff[d] = val
	}
	// No impact on either system scores 0.
	none := true
	for _, d := range []v4Dim{v4DimVC, v4DimVI, v4DimVA, v4DimSC, v4DimSI, v4DimSA} {
		none = none && eff[d] == "N"
	}
	if none {
		return 0
	}

	eq1, eq2, eq3, eq4, eq5, eq6 := v4EquivalenceSets(eff, v[v4PosMSI], v[v4PosMSA])
	mv := [6]int{eq1, eq2, eq3, eq4, eq5, eq6}
	value, ok := v4Score(mv)
	if !ok {
		// Unreachable: every MacroVector the equivalence sets can form
		// is in the table (EQ3 2 forces EQ6 1).
		return 0
	}

	// The next lower MacroVector of each equivalence set, and its score.
	lower := func(i, by int) (float64, bool) {
		m := mv
		m[i] += by
		return v4Score(m)
	}
	score1, ok1 := lower(0, 1)
	score2, ok2 := lower(1, 1)
	var score36 float64
	var ok36 bool
	switch {
	case eq3 == 1 && eq6 == 1, eq3 == 0 && eq6 == 1: // 11 → 21, 01 → 11
		score36, ok36 = lower(2, 1)
	case eq3 == 1 && eq6 == 0: // 10 → 11
		score36, ok36 = lower(5, 1)
	case eq3 == 0 && eq6 == 0: // 00 → 01 or 10, whichever scores higher
		left, okl := lower(5, 1)
		right, okr := lower(2, 1)
		score36, ok36 = math.Max(left, right), okl && okr
	default: // 21 → 32, which does not exist
		m := mv
		m[2]++
		m[5]++
		score36, ok36 = v4Score(m)
	}
	score4, ok4 := lower(3, 1)
	_, ok5 := lower(4, 1)

	// The first of the MacroVector's highest-severity vectors that the
	// vector does not exceed in any dimension, and the vector's distance
	// from it. If there is none, the calculator keeps the distances from
	// the last one it tried, and so does this.
	var effLevel, dist [v4NumDims]float64
	for d := range v4NumDims {
		effLevel[d] = v4Levels[d][eff[d]]
	}
	m := &v4Maxes
search:
	for _, f1 := range m.eq1[eq1] {
		for _, f2 := range m.eq2[eq2] {
			for _, f3 := range m.eq3[eq3][eq6] {
				for _, f4 := range m.eq4[eq4] {
					for _, f5 := range m.eq5[eq5] {
						for _, f := range [...]v4Fragment{f1, f2, f3, f4, f5} {
							for _, x := range f {
								dist[x.dim] = effLevel[x.dim] - x.level
							}
						}
						if !hasNegative(dist[:]) {
							break search
						}
					}
				}
			}
		}
	}
	cur1 := dist[v4DimAV] + dist[v4DimPR] + dist[v4DimUI]
	cur2 := dist[v4DimAC] + dist[v4DimAT]
	cur36 := dist[v4DimVC] + dist[v4DimVI] + dist[v4DimVA] + dist[v4DimCR] + dist[v4DimIR] + dist[v4DimAR]
	cur4 := dist[v4DimSC] + dist[v4DimSI] + dist[v4DimSA]

	// Each equivalence set with a lower MacroVector lowers the score by
	// the share of the MacroVector's depth that the vector lies below
	// its highest vector, times the score difference to the lower
	// MacroVector; the score drops by the mean of those.
	const step = 0.1
	var n int
	var norm1, norm2, norm36, norm4 float64
	if ok1 {
		n++
		norm1 = float64((value - score1) * (cur1 / float64(v4MaxSeverity.eq1[eq1]*step)))
	}
	if ok2 {
		n++
		norm2 = float64((value - score2) * (cur2 / float64(v4MaxSeverity.eq2[eq2]*step)))
	}
	if ok36 {
		n++
		norm36 = float64((value - score36) * (cur36 / float64(v4MaxSeverity.eq3eq6[eq3][eq6]*step)))
	}
	if ok4 {
		n++
		norm4 = float64((value - score4) * (cur4 / float64(v4MaxSeverity.eq4[eq4]*step)))
	}
	if ok5 {
		// EQ5 has a single metric, so a vector is always at its
		// MacroVector's highest: it lowers the score by 0, but it counts
		// in the mean.
		n++
	}
	mean := 0.0
	if n > 0 {
		mean = (norm1 + norm2 + norm36 + norm4) / float64(n)
	}
	return math.Max(0, math.Min(10, value-mean))
}

// v4EquivalenceSets returns the levels of EQ1 to EQ6 (specification
// section 8.2, Table 24) for the effective values eff and the vector's
// MSI and MSA.
func v4EquivalenceSets(eff [v4NumDims]string, msi, msa string) (eq1, eq2, eq3, eq4, eq5, eq6 int) {
	av, pr, ui := eff[v4DimAV], eff[v4DimPR], eff[v4DimUI]
	switch {
	case av == "N" && pr == "N" && ui == "N":
		eq1 = 0
	case (av == "N" || pr == "N" || ui == "N") && av != "P":
		eq1 = 1
	default:
		eq1 = 2
	}
	if eff[v4DimAC] != "L" || eff[v4DimAT] != "N" {
		eq2 = 1
	}
	vc, vi, va := eff[v4DimVC], eff[v4DimVI], eff[v4DimVA]
	switch {
	case vc == "H" && vi == "H":
		eq3 = 0
	case vc == "H" || vi == "H" || va == "H":
		eq3 = 1
	default:
		eq3 = 2
	}
	switch {
	case msi == "S" || msa == "S":
		eq4 = 0
	case eff[v4DimSC] == "H" || eff[v4DimSI] == "H" || eff[v4DimSA] == "H":
		eq4 = 1
	default:
		eq4 = 2
	}
	switch eff[v4DimE] {
	case "A":
		eq5 = 0
	case "P":
		eq5 = 1
	default:
		eq5 = 2
	}
	eq6 = 1
	if eff[v4DimCR] == "H" && vc == "H" || eff[v4DimIR] == "H" && vi == "H" || eff[v4DimAR] == "H" && va == "H" {
		eq6 = 0
	}
	return eq1, eq2, eq3, eq4, eq5, eq6
}

func hasNegative(xs []float64) bool {
	for _, x := range xs {
		if x < 0 {
			return true
		}
	}
	return false
}
