package csaf

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testcases mirrors validator-tests/testcases.json (its schema is
// testcases_json_schema.json beside it).
type testcases struct {
	Tests []struct {
		ID       string     `json:"id"`
		Group    string     `json:"group"`
		Failures []testcase `json:"failures"`
		Valid    []testcase `json:"valid"`
	} `json:"tests"`
}

type testcase struct {
	Name  string `json:"name"`
	Valid bool   `json:"valid"` // whether the document passes the schema and the mandatory tests
}

// notRun lists the tests Validate does not implement, and why. Their
// expected failures are logged, not checked.
var notRun = map[string]string{
	"6.3.6": "resolving URLs needs the network",
	"6.3.7": "resolving URLs needs the network",
	"6.3.8": "spell checking needs a dictionary per language",
}

// validFlagWrong lists suite documents whose "valid" flag contradicts the
// suite's own mandatory tests. The rule each one is listed for is still
// checked; only the overall verdict is not compared.
var validFlagWrong = map[string]string{
	"optional/oasis_csaf_tc-csaf_2_0-2021-6-2-08-02.json": "gives two md5 hashes in one file_hashes, which mandatory test 6.1.25 forbids (BSI's library reports 6.1.25 as well)",
	"optional/oasis_csaf_tc-csaf_2_0-2021-6-2-09-02.json": "gives two sha1 hashes in one file_hashes, which mandatory test 6.1.25 forbids (BSI's library reports 6.1.25 as well)",
}

// TestConformance runs the OASIS CSAF 2.0 validator test suite: each
// expected failure of test X must be reported as X, each expected-valid
// document must not be, and every document's overall verdict must match the
// suite's "valid" flag.
func TestConformance(t *testing.T) {
	dir := sharedData(t, "csaf/validator-tests")
	b, err := os.ReadFile(filepath.Join(dir, "testcases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tc testcases
	if err := json.Unmarshal(b, &tc); err != nil {
		t.Fatal(err)
	}
	type count struct{ agree, disagree, skipped int }
	counts := map[string]*count{}
	var table strings.Builder
	fmt.Fprintf(&table, "%-10s %-50s %-9s %-22s %s\n", "rule", "document", "expected", "got", "")
	nTests, nFail, nValid := 0, 0, 0
	for _, test := range tc.Tests {
		nTests++
		if counts[test.Group] == nil {
			counts[test.Group] = &count{}
		}
		c := counts[test.Group]
		run := func(cases []testcase, wantReported bool) {
			for _, k := range cases {
				if wantReported {
					nFail++
				} else {
					nValid++
				}
				data, err := os.ReadFile(filepath.Join(dir, k.Name))
				if err != nil {
					t.Fatal(err)
				}
				res, err := Validate(data)
				if err != nil {
					t.Errorf("%s: %v", k.Name, err)
					continue
				}
				expected := "valid"
				if wantReported {
					expected = "fails"
				}
				got := "not reported"
				if tested(res)[test.ID] {
					got = "reported"
				}
				if !res.Valid() {
					got += ", invalid"
				}
				verdict := "ok"
				switch {
				case notRun[test.ID] != "" && wantReported:
					verdict = "skipped: " + notRun[test.ID]
					c.skipped++
				case tested(res)[test.ID] != wantReported || (res.Valid() != k.Valid && validFlagWrong[k.Name] == ""):
					verdict = "DISAGREE"
					c.disagree++
					t.Errorf("%s %s: expected %s (valid=%v), got %s\n%s", test.ID, k.Name, expected, k.Valid, got, formatted(res, k.Name))
				default:
					c.agree++
					if res.Valid() != k.Valid {
						verdict = "ok; the suite's valid flag is wrong: " + validFlagWrong[k.Name]
					}
				}
				fmt.Fprintf(&table, "%-10s %-50s %-9s %-22s %s\n", test.ID, strings.TrimPrefix(filepath.Base(k.Name), "oasis_csaf_tc-csaf_2_0-2021-"), expected, got, verdict)
			}
		}
		run(test.Failures, true)
		run(test.Valid, false)
	}
	t.Logf("OASIS validator tests: %d tests, %d expected failures, %d expected valid\n%s", nTests, nFail, nValid, table.String())
	for _, g := range []string{"mandatory", "optional", "informative"} {
		if c := counts[g]; c != nil {
			t.Logf("%-11s agree %d, disagree %d, skipped %d", g, c.agree, c.disagree, c.skipped)
		}
	}
}

func formatted(r Result, name string) string {
	var b strings.Builder
	_ = r.Format(&b, name)
	return b.String()
}
