package risk

// The SSVC decision for one vulnerability on one asset: the derived
// decision points, analysts' overrides of them, and the outcomes of the
// two embedded CISA tables.

import (
	"embed"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"
	"time"
)

// The tables are embedded because vmc runs without ../shared; ssvc/README.md
// names their source and licence, and a test keeps them byte-identical to
// ../shared/data/ssvc.
//
//go:embed ssvc/decision_tables/*.json
var ssvcTableFS embed.FS

const (
	ssvcCoordinatorFile = "ssvc/decision_tables/cisa_coordinator_2_0_3.json"
	ssvcBOD2604File     = "ssvc/decision_tables/cisa_bod_26_04_1_0_0.json"
)

// The embedded tables are parsed once, on first use. They are checked by
// the tests, so a failure here is a broken build, not bad input, and
// panics.
var (
	ssvcCoordinator = sync.OnceValue(func() *DecisionTable { return mustEmbeddedSSVCTable(ssvcCoordinatorFile) })
	ssvcBOD2604     = sync.OnceValue(func() *DecisionTable { return mustEmbeddedSSVCTable(ssvcBOD2604File) })
)

func mustEmbeddedSSVCTable(name string) *DecisionTable {
	b, err := ssvcTableFS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("risk: embedded SSVC table: %v", err))
	}
	t, err := ParseDecisionTable(path.Base(name), b)
	if err != nil {
		panic(fmt.Sprintf("risk: embedded SSVC table: %v", err))
	}
	return t
}

// CoordinatorTable returns the CISA Coordinator decision table 2.0.3
// (cisa:DT_CO:2.0.3): Exploitation, Automatable, Technical Impact and
// Mission and Well-Being Impact → CISA Levels 1.1.0 (Track, Track*,
// Attend, Act). The copy is the caller's.
func CoordinatorTable() *DecisionTable { return ssvcCoordinator().Clone() }

// BOD2604Table returns the CISA BOD 26-04 decision table 1.0.0
// (cisa:DT_BOD2604:1.0.0): In KEV, Publicly Exposed, Automatable and
// Technical Impact → a remediation timeline (fix on system upgrade, 60
// days, 14 days, 3 days, 3 days and forensic investigation). The copy is
// the caller's.
func BOD2604Table() *DecisionTable { return ssvcBOD2604().Clone() }

// ErrInvalidOverride marks an analyst's override vmc cannot apply.
var ErrInvalidOverride = errors.New("invalid SSVC override")

// SSVCOverride is an analyst's choice of a decision point's value in place
// of the one vmc derived.
type SSVCOverride struct {
	Point PointID `json:"point"`
	// Value is the value's key ("A") or, on input, its name in any case
	// ("Active"); decisions record the key.
	Value string `json:"value"`
	// By names the analyst.
	By string `json:"by"`
	// Reason says why, for whoever reads the decision next.
	Reason string    `json:"reason"`
	At     time.Time `json:"at,omitzero"`
}

// PointValue is the value a decision point takes in a decision, and how.
type PointValue struct {
	Point PointID `json:"point"`
	// Value is the key of the value in effect ("P"); Name is its name in
	// the decision point ("Public PoC").
	Value string `json:"value"`
	Name  string `json:"name"`
	// Derived is the value vmc derived, Why how, and Assumed whether it
	// was a default for missing evidence. Derived differs from Value only
	// when an override replaced it.
	Derived string `json:"derived"`
	Why     string `json:"why"`
	Assumed bool   `json:"assumed,omitempty"`
	// Override is the analyst's override in effect, if any.
	Override *SSVCOverride `json:"override,omitempty"`
}

// SSVCOutcome is the outcome of one decision table.
type SSVCOutcome struct {
	// Table is the table's ID ("cisa:DT_CO:2.0.3"), Point its outcome
	// decision point's ("cisa:CISA:1.1.0").
	Table string `json:"table"`
	Point string `json:"point"`
	// Value is the outcome's key ("AT"), Name its name ("Attend").
	Value string `json:"value"`
	Name  string `json:"name"`
	// Rank is the outcome's place among the Levels values of the outcome
	// decision point, 0 being the lowest: a priority can be scaled by it.
	Rank   int `json:"rank"`
	Levels int `json:"levels"`
	// Row is the index of the table row that decided.
	Row int `json:"row"`
}

// SSVCDecision is the SSVC assessment of one vulnerability on one asset.
type SSVCDecision struct {
	// Points holds every decision point, in PointIDs order.
	Points []PointValue `json:"points,omitempty"`
	// Coordinator is the CISA Coordinator table's outcome, BOD2604 the
	// BOD 26-04 table's.
	Coordinator SSVCOutcome `json:"coordinator"`
	BOD2604     SSVCOutcome `json:"bod_26_04"`
}

// Point returns the decision point p of d.
func (d SSVCDecision) Point(p PointID) (PointValue, bool) {
	for _, v := range d.Points {
		if v.Point == p {
			return v, true
		}
	}
	return PointValue{}, false
}

// Overridden returns the decision points an analyst overrode.
func (d SSVCDecision) Overridden() []PointValue {
	var out []PointValue
	for _, v := range d.Points {
		if v.Override != nil {
			out = append(out, v)
		}
	}
	return out
}

// DecideSSVC derives every decision point from ev, applies the overrides
// (at most one per point; each names its analyst and reason and a value
// the point has), and evaluates the CISA Coordinator and BOD 26-04 tables.
// Errors wrap ErrInvalidOverride, or name the option at fault.
func DecideSSVC(ev SSVCEvidence, opts SSVCOptions, overrides []SSVCOverride) (SSVCDecision, error) {
	threshold, err := opts.epssThreshold()
	if err != nil {
		return SSVCDecision{}, err
	}
	type derived struct {
		value, why string
		assumed    bool
	}
	e := DeriveExploitation(ev, threshold)
	a := DeriveAutomatable(ev)
	ti := DeriveTechnicalImpact(ev)
	mwi := DeriveMissionWellBeing(ev.Criticality)
	kev := DeriveInKEV(ev)
	pe := DerivePubliclyExposed(ev.Exposure)
	got := map[PointID]derived{
		PointExploitation:     {string(e.Value), e.Why, e.Assumed},
		PointAutomatable:      {string(a.Value), a.Why, a.Assumed},
		PointTechnicalImpact:  {string(ti.Value), ti.Why, ti.Assumed},
		PointMissionWellBeing: {string(mwi.Value), mwi.Why, mwi.Assumed},
		PointInKEV:            {string(kev.Value), kev.Why, kev.Assumed},
		PointPubliclyExposed:  {string(pe.Value), pe.Why, pe.Assumed},
	}

	byPoint := make(map[PointID]*SSVCOverride, len(overrides))
	for i, o := range overrides {
		fail := func(field, format string, args ...any) error {
			return fmt.Errorf("%w: overrides[%d].%s: %s", ErrInvalidOverride, i, field, fmt.Sprintf(format, args...))
		}
		def, ok := o.Point.Definition()
		if !ok {
			return SSVCDecision{}, fail("point", "unknown decision point %q", o.Point)
		}
		if byPoint[o.Point] != nil {
			return SSVCDecision{}, fail("point", "%s overridden twice", o.Point)
		}
		v, ok := def.Lookup(strings.TrimSpace(o.Value))
		if !ok {
			return SSVCDecision{}, fail("value", "%s has no value %q (want %s)", o.Point, o.Value, def.valueKeys())
		}
		if strings.TrimSpace(o.By) == "" {
			return SSVCDecision{}, fail("by", "missing: an override names its analyst")
		}
		if strings.TrimSpace(o.Reason) == "" {
			return SSVCDecision{}, fail("reason", "missing: an override says why")
		}
		o.Value = v.Key // o is a copy: the caller's slice is left as it was
		byPoint[o.Point] = &o
	}

	d := SSVCDecision{Points: make([]PointValue, 0, len(ssvcPoints))}
	values := make(map[PointID]string, len(ssvcPoints))
	for _, p := range ssvcPoints {
		g := got[p]
		pv := PointValue{Point: p, Value: g.value, Derived: g.value, Why: g.why, Assumed: g.assumed}
		if o := byPoint[p]; o != nil {
			pv.Value, pv.Override = o.Value, o
		}
		def, _ := p.Definition() // every PointID is in a table (tested)
		if v, ok := def.Value(pv.Value); ok {
			pv.Name = v.Name
		}
		values[p] = pv.Value
		d.Points = append(d.Points, pv)
	}

	if d.Coordinator, err = ssvcOutcome(ssvcCoordinator(), values); err != nil {
		return SSVCDecision{}, err
	}
	if d.BOD2604, err = ssvcOutcome(ssvcBOD2604(), values); err != nil {
		return SSVCDecision{}, err
	}
	return d, nil
}

// ssvcOutcome evaluates t on the values of its inputs.
func ssvcOutcome(t *DecisionTable, values map[PointID]string) (SSVCOutcome, error) {
	in := make(map[string]string, len(t.Inputs))
	for _, p := range t.Inputs {
		v, ok := values[PointID(p.ID())]
		if !ok {
			return SSVCOutcome{}, fmt.Errorf("SSVC: %s: input %s is not a point vmc derives", t.ID(), p.ID())
		}
		in[p.ID()] = v
	}
	row, err := t.Evaluate(in)
	if err != nil {
		return SSVCOutcome{}, err
	}
	v, _ := t.Outcome.Value(row.Outcome) // rows hold only known values
	return SSVCOutcome{
		Table: t.ID(), Point: t.Outcome.ID(),
		Value: v.Key, Name: v.Name,
		Rank: t.Outcome.Rank(v.Key), Levels: len(t.Outcome.Values),
		Row: row.Index,
	}, nil
}
