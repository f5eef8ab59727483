package risk

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseDecisionTable feeds the table loader arbitrary bytes, seeded
// with the embedded tables, the mini table and its broken variants. The
// loader must not panic; what it rejects must be an ErrInvalidDecisionTable;
// what it accepts must evaluate every row to itself and re-encode to a
// document that reads back to an equal table.
func FuzzParseDecisionTable(f *testing.F) {
	for _, name := range []string{ssvcCoordinatorFile, ssvcBOD2604File} {
		b, err := ssvcTableFS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(ssvcMini))
	for _, edit := range [][2]string{
		{`"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"Y"`, `"ssvc:A:2.0.0":"N","cisa:KEV:1.0.0":"Y"`},
		{`"x_o:O:1.0.0":"H"}]`, `"x_o:O:1.0.0":"Q"}]`},
		{`"cisa:KEV:1.0.0":{`, `"kev":{`},
		{`"values":[{"key":"L"`, `"values":[{"key":"H"`},
		{`"mapping":[`, `"mapping":[null,`},
	} {
		f.Add([]byte(strings.Replace(ssvcMini, edit[0], edit[1], 1)))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ParseDecisionTable("fuzz.json", data)
		if err != nil {
			if !errors.Is(err, ErrInvalidDecisionTable) {
				t.Fatalf("error %v does not wrap ErrInvalidDecisionTable", err)
			}
			return
		}
		for _, r := range tab.Rows {
			in := make(map[string]string, len(tab.Inputs))
			for i, p := range tab.Inputs {
				in[p.ID()] = r.Inputs[i]
			}
			got, err := tab.Evaluate(in)
			if err != nil {
				t.Fatalf("row %d: %v", r.Index, err)
			}
			if got.Index != r.Index || got.Outcome != r.Outcome {
				t.Fatalf("row %d evaluates to row %d", r.Index, got.Index)
			}
		}
		out, err := json.Marshal(tab)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		back, err := ParseDecisionTable("re-encoded.json", out)
		if err != nil {
			t.Fatalf("re-encoded table does not read back: %v\n%s", err, out)
		}
		if diff := cmp.Diff(tab, back, cmp.AllowUnexported(DecisionTable{})); diff != "" {
			t.Fatalf("read back (-first +second):\n%s", diff)
		}
	})
}
