package risk

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ssvcSharedData returns the path of ../shared/data/ssvc, skipping the
// test when it is absent and failing it in CI, where it always exists.
func ssvcSharedData(t *testing.T) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "ssvc")
	if d := os.Getenv("VMC_SHARED_DATA"); d != "" {
		p = filepath.Join(d, "ssvc")
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data not found: %v", err)
	}
	return p
}

// ssvcTables are the embedded tables with their CSV exports in testdata.
var ssvcTables = []struct {
	file, csv string
	table     func() *DecisionTable
	rows      int // as ../shared/data/README.md counts them
}{
	{ssvcCoordinatorFile, "testdata/ssvc/csv/cisa_coordinator_2_0_3.csv", CoordinatorTable, 36},
	{ssvcBOD2604File, "testdata/ssvc/csv/cisa_bod_26_04_1_0_0.csv", BOD2604Table, 16},
}

// TestSSVCCopiesMatchShared keeps the embedded tables and the testdata
// copies byte-identical to ../shared/data/ssvc, and notices a file there
// that has no copy here.
func TestSSVCCopiesMatchShared(t *testing.T) {
	shared := ssvcSharedData(t)
	type pair struct{ src, dst string } // a file of ../shared/data/ssvc and its copy here
	copies := []pair{
		{"LICENSE.txt", "ssvc/LICENSE.txt"}, // the licence goes with both copies
		{"LICENSE.txt", "testdata/ssvc/LICENSE.txt"},
	}
	for _, dir := range []string{"decision_tables", "csv", "decision_points"} {
		err := filepath.WalkDir(filepath.Join(shared, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(shared, p)
			rel = filepath.ToSlash(rel)
			if dir == "decision_tables" {
				copies = append(copies, pair{rel, "ssvc/" + rel})
			} else {
				copies = append(copies, pair{rel, "testdata/ssvc/" + rel})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(copies) < 15 {
		t.Fatalf("only %d files to compare: ../shared/data/ssvc is not laid out as expected", len(copies))
	}
	for _, c := range copies {
		want, err := os.ReadFile(filepath.Join(shared, filepath.FromSlash(c.src)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.FromSlash(c.dst))
		if err != nil {
			t.Errorf("%s has no copy: %v", c.src, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from ../shared/data/ssvc/%s; copy it again", c.dst, c.src)
		}
	}
	// And what is embedded is what is on disk.
	for _, tt := range ssvcTables {
		emb, _ := ssvcTableFS.ReadFile(tt.file)
		disk, err := os.ReadFile(filepath.FromSlash(tt.file))
		if err != nil || !bytes.Equal(emb, disk) {
			t.Errorf("embedded %s differs from the file (%v)", tt.file, err)
		}
	}
}

// TestSSVCTablesEveryRow evaluates every row of both tables, read from the
// JSON files with plain encoding/json (not the loader under test), and
// checks Evaluate returns that row and its outcome.
func TestSSVCTablesEveryRow(t *testing.T) {
	for _, tt := range ssvcTables {
		t.Run(path.Base(tt.file), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.FromSlash(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Outcome string              `json:"outcome"`
				Mapping []map[string]string `json:"mapping"`
			}
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			tab := tt.table()
			if len(doc.Mapping) != tt.rows || len(tab.Rows) != tt.rows {
				t.Fatalf("%d rows in the file, %d in the table; want %d", len(doc.Mapping), len(tab.Rows), tt.rows)
			}
			for i, m := range doc.Mapping {
				in := make(map[string]string)
				for k, v := range m {
					if k != doc.Outcome {
						in[k] = v
					}
				}
				row, err := tab.Evaluate(in)
				if err != nil {
					t.Errorf("row %d: %v", i, err)
					continue
				}
				if row.Outcome != m[doc.Outcome] || row.Index != i {
					t.Errorf("row %d %v: got row %d outcome %s, want %s", i, in, row.Index, row.Outcome, m[doc.Outcome])
				}
			}
			t.Logf("%s: %d rows evaluated, %d inputs, outcome %s", tab.ID(), len(doc.Mapping), len(tab.Inputs), tab.Outcome.ID())
		})
	}
}

// ssvcCSVHeader is a column of the SSVC tooling's CSV export: the point's
// name and version, and its namespace in parentheses unless it is "ssvc".
var ssvcCSVHeader = regexp.MustCompile(`^(.+) v(\d+\.\d+\.\d+)(?: \(([^)]+)\))?$`)

// TestSSVCTablesMatchCSV is an independent cross-check: the CSV exports
// name points and values by name, not key, and each of their rows must be
// the same-numbered row of the JSON table with the same outcome.
func TestSSVCTablesMatchCSV(t *testing.T) {
	for _, tt := range ssvcTables {
		t.Run(path.Base(tt.csv), func(t *testing.T) {
			f, err := os.Open(filepath.FromSlash(tt.csv))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, err := csv.NewReader(f).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			tab := tt.table()
			head := recs[0]
			if head[0] != "row" || len(head) != len(tab.Inputs)+2 {
				t.Fatalf("header %q: want row, %d inputs, outcome", head, len(tab.Inputs))
			}
			cols := make([]DecisionPoint, len(head)-1)
			for i, h := range head[1:] {
				m := ssvcCSVHeader.FindStringSubmatch(h)
				if m == nil {
					t.Fatalf("column %q: not name vX.Y.Z (namespace)", h)
				}
				ns := m[3]
				if ns == "" {
					ns = "ssvc"
				}
				found := false
				for _, p := range append(tab.Inputs, tab.Outcome) {
					if p.Name == m[1] && p.Version == m[2] && p.Namespace == ns {
						cols[i], found = p, true
					}
				}
				if !found {
					t.Fatalf("column %q: no such decision point in %s", h, tab.ID())
				}
			}
			if cols[len(cols)-1].ID() != tab.Outcome.ID() {
				t.Fatalf("last column is %s, want the outcome %s", cols[len(cols)-1].ID(), tab.Outcome.ID())
			}
			for _, rec := range recs[1:] {
				n, err := strconv.Atoi(rec[0])
				if err != nil {
					t.Fatalf("row %q: %v", rec[0], err)
				}
				in := make(map[string]string)
				for i, p := range cols[:len(cols)-1] {
					v, ok := p.Lookup(rec[i+1])
					if !ok {
						t.Fatalf("row %d: %s has no value named %q", n, p.ID(), rec[i+1])
					}
					in[p.ID()] = v.Key
				}
				row, err := tab.Evaluate(in)
				if err != nil {
					t.Errorf("row %d: %v", n, err)
					continue
				}
				out, _ := tab.Outcome.Value(row.Outcome)
				if row.Index != n || !strings.EqualFold(out.Name, rec[len(rec)-1]) {
					t.Errorf("CSV row %d %q: got row %d %q, want %q", n, rec[1:len(rec)-1], row.Index, out.Name, rec[len(rec)-1])
				}
			}
			if got := len(recs) - 1; got != len(tab.Rows) {
				t.Errorf("CSV has %d rows, JSON %d", got, len(tab.Rows))
			}
			t.Logf("%s: %d CSV rows agree with %s", path.Base(tt.csv), len(recs)-1, tab.ID())
		})
	}
}

// TestSSVCTablePointsMatchDefinitions checks that the decision points each
// table carries are the stand-alone definitions in decision_points/.
func TestSSVCTablePointsMatchDefinitions(t *testing.T) {
	defs := map[string]DecisionPoint{}
	files, _ := filepath.Glob(filepath.Join("testdata", "ssvc", "decision_points", "*", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := parseSSVCPoint(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		defs[p.ID()] = p
	}
	if len(defs) != 9 {
		t.Fatalf("%d decision point files, want 9", len(defs))
	}
	used := map[string]bool{}
	for _, tt := range ssvcTables {
		tab := tt.table()
		for _, p := range append(tab.Inputs, tab.Outcome) {
			used[p.ID()] = true
			d, ok := defs[p.ID()]
			if !ok {
				t.Errorf("%s: %s has no file in decision_points/", tab.ID(), p.ID())
				continue
			}
			if diff := cmp.Diff(d, p); diff != "" {
				t.Errorf("%s: %s differs from its definition (-file +table):\n%s", tab.ID(), p.ID(), diff)
			}
		}
	}
	for id := range defs {
		if !used[id] {
			t.Logf("%s is defined but neither table uses it", id)
		}
	}
}

// TestSSVCTablesMonotone checks that raising any input never lowers the
// outcome, reading values as ordered lowest first. The SSVC tables are
// built that way; a copy that is not has been damaged.
func TestSSVCTablesMonotone(t *testing.T) {
	for _, tt := range ssvcTables {
		tab := tt.table()
		for _, a := range tab.Rows {
			for _, b := range tab.Rows {
				le := true
				for i, p := range tab.Inputs {
					le = le && p.Rank(a.Inputs[i]) <= p.Rank(b.Inputs[i])
				}
				if le && tab.Outcome.Rank(a.Outcome) > tab.Outcome.Rank(b.Outcome) {
					t.Errorf("%s: row %d %v → %s but row %d %v → %s", tab.ID(), a.Index, a.Inputs, a.Outcome, b.Index, b.Inputs, b.Outcome)
				}
			}
		}
	}
}

func TestSSVCTableIdentity(t *testing.T) {
	type summary struct {
		ID, Outcome string
		Inputs      []string
		Outcomes    []string
	}
	sum := func(tab *DecisionTable) summary {
		s := summary{ID: tab.ID(), Outcome: tab.Outcome.ID(), Inputs: ssvcPointIDs(tab.Inputs)}
		for _, v := range tab.Outcome.Values {
			s.Outcomes = append(s.Outcomes, v.Key)
		}
		return s
	}
	want := []summary{
		{"cisa:DT_CO:2.0.3", "cisa:CISA:1.1.0",
			[]string{"ssvc:E:1.1.0", "ssvc:A:2.0.0", "ssvc:TI:1.0.0", "ssvc:MWI:1.0.0"},
			[]string{"T", "T*", "AT", "AC"}},
		// The mapping orders KEV before PE; decision_points has them the
		// other way round. The CSV export follows the mapping.
		{"cisa:DT_BOD2604:1.0.0", "cisa:BOD2604:1.0.0",
			[]string{"cisa:KEV:1.0.0", "cisa:PE:1.0.0", "ssvc:A:2.0.0", "ssvc:TI:1.0.0"},
			[]string{"FSU", "60D", "14D", "3D", "3DF"}},
	}
	got := []summary{sum(CoordinatorTable()), sum(BOD2604Table())}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
}

// ssvcMini is a small valid table; the bad cases below each change one
// thing in it.
const ssvcMini = `{"namespace":"x_example.test#t","key":"DT","version":"1.0.0","name":"Mini","definition":"d","schemaVersion":"2.0.0",
"decision_points":{
 "ssvc:A:2.0.0":{"namespace":"ssvc","key":"A","version":"2.0.0","name":"Automatable","definition":"d","schemaVersion":"2.0.0","values":[{"key":"N","name":"No","definition":"d"},{"key":"Y","name":"Yes","definition":"d"}]},
 "cisa:KEV:1.0.0":{"namespace":"cisa","key":"KEV","version":"1.0.0","name":"In KEV","definition":"d","schemaVersion":"2.0.0","values":[{"key":"N","name":"No","definition":"d"},{"key":"Y","name":"Yes","definition":"d"}]},
 "x_o:O:1.0.0":{"namespace":"x_o","key":"O","version":"1.0.0","name":"Out","definition":"d","schemaVersion":"2.0.0","values":[{"key":"L","name":"Low","definition":"d"},{"key":"H","name":"High","definition":"d"}]}},
"outcome":"x_o:O:1.0.0",
"mapping":[
 {"ssvc:A:2.0.0":"N","cisa:KEV:1.0.0":"N","x_o:O:1.0.0":"L"},
 {"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"N","x_o:O:1.0.0":"L"},
 {"ssvc:A:2.0.0":"N","cisa:KEV:1.0.0":"Y","x_o:O:1.0.0":"H"},
 {"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"Y","x_o:O:1.0.0":"H"}]}`

// ssvcTooManyCombinations is a table of 17 two-valued inputs: 131,072
// combinations, above the limit.
func ssvcTooManyCombinations() string {
	var pts, row []string
	for i := range 17 {
		id := fmt.Sprintf("x_p:P%d:1.0.0", i)
		pts = append(pts, fmt.Sprintf(`%q:{"namespace":"x_p","key":"P%d","version":"1.0.0","name":"P%d","definition":"d","schemaVersion":"2.0.0","values":[{"key":"N","name":"No","definition":"d"},{"key":"Y","name":"Yes","definition":"d"}]}`, id, i, i))
		row = append(row, fmt.Sprintf(`%q:"N"`, id))
	}
	pts = append(pts, `"x_o:O:1.0.0":{"namespace":"x_o","key":"O","version":"1.0.0","name":"Out","definition":"d","schemaVersion":"2.0.0","values":[{"key":"L","name":"Low","definition":"d"}]}`)
	row = append(row, `"x_o:O:1.0.0":"L"`)
	return `{"namespace":"x_p","key":"DT","version":"1.0.0","name":"Big","definition":"d","schemaVersion":"2.0.0","decision_points":{` +
		strings.Join(pts, ",") + `},"outcome":"x_o:O:1.0.0","mapping":[{` + strings.Join(row, ",") + `}]}`
}

func TestParseDecisionTableErrors(t *testing.T) {
	const prefix = "SSVC decision table mini.json: "
	tests := []struct {
		name     string
		old, new string // replace old (which must be in ssvcMini) with new; old "" replaces everything
		want     string
	}{
		{"not JSON", "", "{", "unexpected end of JSON input"},
		{"not an object", "", "[]", "array, want an object"},
		{"wrong type", `"key":"DT"`, `"key":7`, "key: number, want a string"},
		{"mapping not an array", `"mapping":[`, `"mapping":"no","x":[`, "mapping: string, want an array"},
		{"member twice", `"key":"DT"`, `"key":"DT","key":"DT2"`, `"key" appears twice`},
		{"schema version", `"Mini","definition":"d","schemaVersion":"2.0.0"`, `"Mini","definition":"d","schemaVersion":"1.0.0"`,
			`schemaVersion: "1.0.0", want "2.0.0"`},
		{"no name", `"name":"Mini",`, ``, "name: missing or empty"},
		{"empty version", `"version":"1.0.0","name":"Mini"`, `"version":"","name":"Mini"`, "version: missing or empty"},
		{"no outcome", `"outcome":"x_o:O:1.0.0",`, ``, "outcome: missing or empty"},
		{"unknown outcome", `"outcome":"x_o:O:1.0.0"`, `"outcome":"x_o:Z:1.0.0"`, `outcome: "x_o:Z:1.0.0" is not one of decision_points`},
		{"no decision points", `"decision_points":{`, `"decision_pts":{`, "decision_points: missing"},
		{"point named other than its ID", `"cisa:KEV:1.0.0":{`, `"kev":{`, `decision_points["kev"]: name is not the point's ID "cisa:KEV:1.0.0"`},
		{"point key mismatch", `"key":"O"`, `"key":"P"`, `decision_points["x_o:O:1.0.0"]: name is not the point's ID "x_o:P:1.0.0"`},
		{"point without values", `"values":[{"key":"L","name":"Low","definition":"d"},{"key":"H","name":"High","definition":"d"}]`, `"values":[]`,
			`decision_points["x_o:O:1.0.0"]: values: missing or empty`},
		{"values not an array", `"values":[{"key":"L","name":"Low","definition":"d"},{"key":"H","name":"High","definition":"d"}]`, `"values":"LH"`,
			`decision_points["x_o:O:1.0.0"]: values: string, want an array`},
		{"repeated value key", `{"key":"Y","name":"Yes"`, `{"key":"N","name":"Yes"`,
			`decision_points["ssvc:A:2.0.0"]: values[1].key: "N" repeats values[0]`},
		{"repeated value name", `{"key":"H","name":"High"`, `{"key":"H","name":"LOW"`,
			`decision_points["x_o:O:1.0.0"]: values[1].name: "LOW" repeats values[0]`},
		{"value without definition", `{"key":"H","name":"High","definition":"d"}`, `{"key":"H","name":"High"}`,
			`decision_points["x_o:O:1.0.0"]: values[1].definition: missing or empty`},
		{"point schema version", `"name":"Out","definition":"d","schemaVersion":"2.0.0"`, `"name":"Out","definition":"d"`,
			`decision_points["x_o:O:1.0.0"]: schemaVersion: "", want "2.0.0"`},
		{"no mapping", `"mapping":`, `"mappings":`, "mapping: missing or empty"},
		{"unknown input value", `{"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"Y"`, `{"ssvc:A:2.0.0":"X","cisa:KEV:1.0.0":"Y"`,
			`mapping[3]["ssvc:A:2.0.0"]: unknown value "X" (want N, Y)`},
		{"unknown outcome value", `"x_o:O:1.0.0":"H"}]`, `"x_o:O:1.0.0":"Q"}]`,
			`mapping[3]["x_o:O:1.0.0"]: unknown value "Q" (want L, H)`},
		{"value not a string", `"cisa:KEV:1.0.0":"Y","x_o:O:1.0.0":"H"}]`, `"cisa:KEV:1.0.0":true,"x_o:O:1.0.0":"H"}]`,
			`mapping[3]["cisa:KEV:1.0.0"]: not a string`},
		{"row not an object", `{"ssvc:A:2.0.0":"N","cisa:KEV:1.0.0":"Y","x_o:O:1.0.0":"H"}`, `null`, `mapping[2]: not an object`},
		{"duplicate row", `{"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"Y"`, `{"ssvc:A:2.0.0":"N","cisa:KEV:1.0.0":"Y"`,
			`mapping[3]: same inputs as mapping[2] (ssvc:A:2.0.0=N, cisa:KEV:1.0.0=Y)`},
		{"missing row", `,
 {"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"Y","x_o:O:1.0.0":"H"}`, ``, `mapping: no row for ssvc:A:2.0.0=Y, cisa:KEV:1.0.0=Y`},
		{"row without a point", `{"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"N","x_o:O:1.0.0":"L"}`, `{"ssvc:A:2.0.0":"Y","x_o:O:1.0.0":"L"}`,
			`mapping[1]: no value for cisa:KEV:1.0.0`},
		{"row without the outcome", `{"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"N","x_o:O:1.0.0":"L"}`, `{"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"N"}`,
			`mapping[1]: no value for x_o:O:1.0.0`},
		{"row with an unknown point", `{"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"N",`, `{"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"N","x_z:Z:1.0.0":"A",`,
			`mapping[1]["x_z:Z:1.0.0"]: not one of decision_points`},
		{"row member twice", `{"ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"N"`, `{"ssvc:A:2.0.0":"Y","ssvc:A:2.0.0":"Y","cisa:KEV:1.0.0":"N"`,
			`mapping[1]: "ssvc:A:2.0.0" appears twice`},
		{"unused point", `"x_o:O:1.0.0":{`, `"x_u:U:1.0.0":{"namespace":"x_u","key":"U","version":"1.0.0","name":"U","definition":"d","schemaVersion":"2.0.0","values":[{"key":"U","name":"U","definition":"d"}]},
 "x_o:O:1.0.0":{`, `decision_points["x_u:U:1.0.0"]: not used by mapping`},
		{"only an outcome", `"ssvc:A:2.0.0":{"namespace":"ssvc","key":"A","version":"2.0.0","name":"Automatable","definition":"d","schemaVersion":"2.0.0","values":[{"key":"N","name":"No","definition":"d"},{"key":"Y","name":"Yes","definition":"d"}]},
 "cisa:KEV:1.0.0":{"namespace":"cisa","key":"KEV","version":"1.0.0","name":"In KEV","definition":"d","schemaVersion":"2.0.0","values":[{"key":"N","name":"No","definition":"d"},{"key":"Y","name":"Yes","definition":"d"}]},`, ``,
			"decision_points: only the outcome; a table needs at least one input"},
		{"too many combinations", "", ssvcTooManyCombinations(), "decision_points: more than 65536 combinations of input values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.new
			if tt.old != "" {
				if !strings.Contains(ssvcMini, tt.old) {
					t.Fatalf("the case's old text is not in ssvcMini")
				}
				data = strings.Replace(ssvcMini, tt.old, tt.new, 1)
			}
			tab, err := ParseDecisionTable("mini.json", []byte(data))
			if err == nil {
				t.Fatalf("no error; table %s with %d rows", tab.ID(), len(tab.Rows))
			}
			if !errors.Is(err, ErrInvalidDecisionTable) {
				t.Errorf("error %v does not wrap ErrInvalidDecisionTable", err)
			}
			if tt.want != "" && err.Error() != prefix+tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, prefix+tt.want)
			}
		})
	}
	if _, err := ParseDecisionTable("mini.json", []byte(ssvcMini)); err != nil {
		t.Fatalf("the unchanged table: %v", err)
	}
}

func TestDecisionTableEvaluate(t *testing.T) {
	tab, err := ParseDecisionTable("mini.json", []byte(ssvcMini))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      map[string]string
		want    DecisionRow
		wantErr string
	}{
		{"row 2", map[string]string{"ssvc:A:2.0.0": "N", "cisa:KEV:1.0.0": "Y"},
			DecisionRow{Index: 2, Inputs: []string{"N", "Y"}, Outcome: "H"}, ""},
		{"missing input", map[string]string{"ssvc:A:2.0.0": "N"},
			DecisionRow{}, "invalid SSVC decision input: x_example.test#t:DT:1.0.0: no value for cisa:KEV:1.0.0"},
		{"unknown value", map[string]string{"ssvc:A:2.0.0": "Yes", "cisa:KEV:1.0.0": "Y"},
			DecisionRow{}, `invalid SSVC decision input: x_example.test#t:DT:1.0.0: ssvc:A:2.0.0: unknown value "Yes" (want N, Y)`},
		{"other version", map[string]string{"ssvc:A:2.0.0": "N", "cisa:KEV:1.0.0": "Y", "ssvc:A:1.0.0": "N"},
			DecisionRow{}, "invalid SSVC decision input: x_example.test#t:DT:1.0.0: ssvc:A:1.0.0 is not an input of the table"},
		{"outcome given", map[string]string{"ssvc:A:2.0.0": "N", "cisa:KEV:1.0.0": "Y", "x_o:O:1.0.0": "L"},
			DecisionRow{}, "invalid SSVC decision input: x_example.test#t:DT:1.0.0: x_o:O:1.0.0 is not an input of the table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tab.Evaluate(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrInvalidDecisionInput) {
					t.Fatalf("error %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("row (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := new(DecisionTable).Evaluate(nil); !errors.Is(err, ErrInvalidDecisionInput) {
		t.Errorf("zero table: error %v, want ErrInvalidDecisionInput", err)
	}
}

// TestDecisionTableRoundTrip re-encodes the embedded tables: the document
// must say what the file says (member order aside), and read back to an
// equal table.
func TestDecisionTableRoundTrip(t *testing.T) {
	for _, tt := range ssvcTables {
		raw, _ := ssvcTableFS.ReadFile(tt.file)
		tab := tt.table()
		out, err := json.Marshal(tab)
		if err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: re-encoded table is not JSON: %v", tt.file, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s re-encoded (-file +encoded):\n%s", tt.file, diff)
		}
		var back DecisionTable
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tab, &back, cmp.AllowUnexported(DecisionTable{})); diff != "" {
			t.Errorf("%s read back (-want +got):\n%s", tt.file, diff)
		}
	}
}

// TestDecisionTableClone checks that handing out the embedded tables does
// not let one caller change another's.
func TestDecisionTableClone(t *testing.T) {
	a := CoordinatorTable()
	a.Rows[0].Inputs[0] = "X"
	a.Rows[0].Outcome = "AC"
	a.Inputs[0].Values[0].Name = "changed"
	a.Outcome.Values[0].Key = "changed"
	b := CoordinatorTable()
	if diff := cmp.Diff(ssvcCoordinator(), b, cmp.AllowUnexported(DecisionTable{})); diff != "" {
		t.Errorf("a caller's change reached the shared table (-shared +fresh):\n%s", diff)
	}
	if b.Rows[0].Inputs[0] != "N" || b.Rows[0].Outcome != "T" {
		t.Errorf("row 0 = %+v", b.Rows[0])
	}
	row, _ := b.Evaluate(map[string]string{"ssvc:E:1.1.0": "N", "ssvc:A:2.0.0": "N", "ssvc:TI:1.0.0": "P", "ssvc:MWI:1.0.0": "L"})
	row.Inputs[0] = "Z"
	if b.Rows[0].Inputs[0] != "N" {
		t.Error("Evaluate returned the table's own Inputs slice")
	}
}
