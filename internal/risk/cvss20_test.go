package risk

import (
	"math/big"
	"strings"
	"testing"
	"time"

	gocvss20 "github.com/pandatix/go-cvss/20"
)

// v2Decimal are the v2.0 weights as the guide prints them (section 3.2),
// kept apart from the scaled integers of cvss20.go so that the test does
// not share their mistakes.
var v2Decimal = map[string]map[string]string{
	"AV":  {"L": "0.395", "A": "0.646", "N": "1.0"},
	"AC":  {"H": "0.35", "M": "0.61", "L": "0.71"},
	"Au":  {"M": "0.45", "S": "0.56", "N": "0.704"},
	"C":   {"N": "0.0", "P": "0.275", "C": "0.660"},
	"I":   {"N": "0.0", "P": "0.275", "C": "0.660"},
	"A":   {"N": "0.0", "P": "0.275", "C": "0.660"},
	"E":   {"U": "0.85", "POC": "0.9", "F": "0.95", "H": "1.00", "ND": "1.00"},
	"RL":  {"OF": "0.87", "TF": "0.90", "W": "0.95", "U": "1.00", "ND": "1.00"},
	"RC":  {"UC": "0.90", "UR": "0.95", "C": "1.00", "ND": "1.00"},
	"CDP": {"N": "0", "L": "0.1", "LM": "0.3", "MH": "0.4", "H": "0.5", "ND": "0"},
	"TD":  {"N": "0", "L": "0.25", "M": "0.75", "H": "1.0", "ND": "1.0"},
	"CR":  {"L": "0.5", "M": "1.0", "H": "1.51", "ND": "1.0"},
	"IR":  {"L": "0.5", "M": "1.0", "H": "1.51", "ND": "1.0"},
	"AR":  {"L": "0.5", "M": "1.0", "H": "1.51", "ND": "1.0"},
}

// v2Exact computes the guide's equations in math/big rationals. Each
// stage is memoised, since the vector spaces repeat them.
type v2Exact struct {
	base     map[[9]string]int64
	temporal map[v2StageKey]int64
	env      map[v2StageKey]int64
}

type v2StageKey struct {
	score   int64 // tenths
	a, b, c string
}

func newV2Exact() *v2Exact {
	return &v2Exact{base: map[[9]string]int64{}, temporal: map[v2StageKey]int64{}, env: map[v2StageKey]int64{}}
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

// roundTenths is round_to_1_decimal, half away from zero, in tenths.
func roundTenths(r *big.Rat) int64 {
	t := new(big.Rat).Mul(r, big.NewRat(10, 1))
	neg := t.Sign() < 0
	t.Abs(t)
	t.Add(t, big.NewRat(1, 2))
	q := new(big.Int).Quo(t.Num(), t.Denom()).Int64()
	if neg {
		return -q
	}
	return q
}

// v2Rat is v2Decimal read into rationals.
var v2Rat = func() map[string]map[string]*big.Rat {
	m := map[string]map[string]*big.Rat{}
	for key, vals := range v2Decimal {
		m[key] = map[string]*big.Rat{}
		for val, d := range vals {
			m[key][val] = rat(d)
		}
	}
	return m
}()

// w is the weight of metric key's value in v, as a new rational.
func w(v []string, key string) *big.Rat {
	return new(big.Rat).Set(v2Rat[key][v[specV2.index(key)]])
}

// adjustedBase is the base equation; adjusted, the environmental
// equation's adjusted base.
func (x *v2Exact) adjustedBase(v []string, adjusted bool) int64 {
	k := [9]string{v[v2PosAV], v[v2PosAC], v[v2PosAu], v[v2PosC], v[v2PosI], v[v2PosA]}
	if adjusted {
		k[6], k[7], k[8] = v[v2PosCR], v[v2PosIR], v[v2PosAR]
	}
	if b, ok := x.base[k]; ok {
		return b
	}
	one := big.NewRat(1, 1)
	loss := func(impact, req string) *big.Rat {
		r := w(v, impact)
		if adjusted {
			r.Mul(r, w(v, req))
		}
		return r.Sub(one, r)
	}
	p := loss("C", "CR")
	p.Mul(p, loss("I", "IR"))
	p.Mul(p, loss("A", "AR"))
	impact := new(big.Rat).Mul(rat("10.41"), p.Sub(one, p))
	if adjusted && impact.Cmp(rat("10")) > 0 {
		impact = rat("10")
	}
	exploitability := rat("20")
	exploitability.Mul(exploitability, w(v, "AV"))
	exploitability.Mul(exploitability, w(v, "AC"))
	exploitability.Mul(exploitability, w(v, "Au"))
	f := rat("1.176")
	if impact.Sign() == 0 {
		f = rat("0")
	}
	s := new(big.Rat).Mul(rat("0.6"), impact)
	s.Add(s, exploitability.Mul(rat("0.4"), exploitability))
	s.Sub(s, rat("1.5"))
	b := roundTenths(s.Mul(s, f))
	x.base[k] = b
	return b
}

func (x *v2Exact) temporalOf(base int64, v []string) int64 {
	k := v2StageKey{base, v[v2PosE], v[v2PosRL], v[v2PosRC]}
	if t, ok := x.temporal[k]; ok {
		return t
	}
	r := big.NewRat(base, 10)
	r.Mul(r, w(v, "E"))
	r.Mul(r, w(v, "RL"))
	r.Mul(r, w(v, "RC"))
	t := roundTenths(r)
	x.temporal[k] = t
	return t
}

// scores returns the base, temporal and environmental scores, unclamped,
// in tenths.
func (x *v2Exact) scores(v []string) [3]int64 {
	base := x.adjustedBase(v, false)
	temporal := x.temporalOf(base, v)
	adjTemporal := x.temporalOf(x.adjustedBase(v, true), v)
	k := v2StageKey{adjTemporal, v[v2PosCDP], v[v2PosTD], ""}
	env, ok := x.env[k]
	if !ok {
		at := big.NewRat(adjTemporal, 10)
		r := new(big.Rat).Sub(rat("10"), at)
		r.Mul(r, w(v, "CDP"))
		r.Add(r, at)
		r.Mul(r, w(v, "TD"))
		env = roundTenths(r)
		x.env[k] = env
	}
	return [3]int64{base, temporal, env}
}

// TestV2ExactArithmetic checks scoreV2 against the guide's equations in
// exact rational arithmetic: every base and temporal vector (72,900); the
// environmental vectors with the temporal metrics Not Defined (1,399,680),
// every 37th of them, or all with -exhaustive (2 s); and a deterministic
// sample of 100,000 vectors setting all three groups.
func TestV2ExactArithmetic(t *testing.T) {
	t.Parallel()
	x := newV2Exact()
	base := []string{"AV", "AC", "Au", "C", "I", "A"}
	spaces := []struct {
		name  string
		space vectorSpace
		step  int // a prime, so that a sample visits every metric's values
	}{
		{"base and temporal", newVectorSpace(specV2, append(base, "E", "RL", "RC")...), 1},
		{"environmental", newVectorSpace(specV2, append(base, "CDP", "TD", "CR", "IR", "AR")...), 37},
		// 139,968,000 vectors.
		{"all groups", newVectorSpace(specV2, append(base, "E", "RL", "RC", "CDP", "TD", "CR", "IR", "AR")...), 1_399},
	}
	if *exhaustive {
		spaces[1].step = 1
	}
	v := make([]string, len(specV2.metrics))
	for _, sp := range spaces {
		start := time.Now()
		checked := 0
		for i := 0; i < sp.space.n; i += sp.step {
			sp.space.vector(i, v)
			got := scoreV2(v)
			want := x.scores(v)
			for j, g := range []float64{got.base, got.temporal, got.environmental} {
				if tenths(g) != want[j] {
					t.Fatalf("%s: scoreV2(%s)[%d] = %.1f, want %.1f", sp.name, vectorString(specV2, metricsOf(specV2, v)), j, g, float64(want[j])/10)
				}
			}
			checked++
		}
		t.Logf("%s: %d of %d vectors score as exact arithmetic does (%v)", sp.name, checked, sp.space.n, time.Since(start).Round(time.Millisecond))
	}
}

// TestV2GoCVSSRounding measures what exact arithmetic changes: the
// base and temporal scores go-cvss's float64 arithmetic gets 0.1 wrong.
// Each must be a tie at x.x5 in exact arithmetic.
func TestV2GoCVSSRounding(t *testing.T) {
	space := newVectorSpace(specV2, "AV", "AC", "Au", "C", "I", "A", "E", "RL", "RC")
	v := make([]string, len(specV2.metrics))
	differ := 0
	for i := range space.n {
		space.vector(i, v)
		// go-cvss wants every metric, Not Defined included.
		var full strings.Builder
		for j, d := range specV2.metrics {
			if j > 0 {
				full.WriteByte('/')
			}
			full.WriteString(d.key + ":" + v[j])
		}
		c, err := gocvss20.ParseVector(full.String())
		if err != nil {
			t.Fatal(err)
		}
		got := scoreV2(v)
		if got.base != c.BaseScore() {
			t.Errorf("%s: base %.1f, go-cvss %.1f", full.String(), got.base, c.BaseScore())
		}
		if got.temporal == c.TemporalScore() {
			continue
		}
		differ++
		// The unrounded temporal score is base × E × RL × RC; a tie has
		// a 5 in the hundredths and nothing after.
		n := tenths(got.base) * v2Exploitability[v[v2PosE]] * v2RemediationLevel[v[v2PosRL]] * v2ReportConfidence[v[v2PosRC]]
		if n%1_000_000 != 500_000 || got.temporal-c.TemporalScore() < 0.09 || got.temporal-c.TemporalScore() > 0.11 {
			t.Errorf("%s: temporal %.1f, go-cvss %.1f, and not a tie (%d × 1e-7)", full.String(), got.temporal, c.TemporalScore(), n)
		}
	}
	t.Logf("%d of %d temporal scores differ from go-cvss's, each a tie go-cvss rounds down", differ, space.n)
	if differ != 126 {
		t.Errorf("%d temporal scores differ from go-cvss's; 126 expected", differ)
	}
}

// metricsOf turns values in sp's order into metrics, leaving out those
// Not Defined.
func metricsOf(sp *spec, v []string) []Metric {
	var ms []Metric
	for i, val := range v {
		if val != sp.notDefined {
			ms = append(ms, Metric{sp.metrics[i].key, val})
		}
	}
	return ms
}

func TestMulDivRound(t *testing.T) {
	tests := []struct {
		n         int64
		mul, div  uint64
		want      int64
		rationale string
	}{
		{85_500_000, 1, 1_000_000, 86, "8.55 rounds up"},
		{-85_500_000, 1, 1_000_000, -86, "-8.55 rounds away from zero"},
		{85_499_999, 1, 1_000_000, 85, "just below the tie"},
		{0, 147, 12_500_000_000_000_000_000, 0, "zero"},
		{8_745_000_000_000_000_000, 147, 12_500_000_000_000_000_000, 103, "largest x: the product needs 128 bits"},
	}
	for _, tt := range tests {
		if got := mulDivRound(tt.n, tt.mul, tt.div); got != tt.want {
			t.Errorf("mulDivRound(%d, %d, %d) = %d, want %d (%s)", tt.n, tt.mul, tt.div, got, tt.want, tt.rationale)
		}
	}
}
