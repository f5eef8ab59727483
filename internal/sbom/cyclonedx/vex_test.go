package cyclonedx

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// TestVEXExamples reads all 39 VEX examples of bom-examples: 112
// statements, none refused. The statements are kept in a golden file, by
// file, so that a change in mapping shows as a diff.
func TestVEXExamples(t *testing.T) {
	dir := feedtest.SharedData(t, "cyclonedx/examples/VEX")
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 39 {
		t.Fatalf("found %d VEX files, want 39", len(files))
	}
	all := map[string][]Statement{}
	states := map[State]int{}
	n := 0
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		st, err := ParseVEX(filepath.Base(p), f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		rel, _ := filepath.Rel(dir, p)
		all[filepath.ToSlash(rel)] = st
		n += len(st)
		for _, s := range st {
			states[s.State]++
		}
	}
	want := map[State]int{StateNotAffected: 82, StateExploitable: 15, StateInTriage: 8, StateResolved: 7}
	if n != 112 || !cmp.Equal(states, want) {
		t.Errorf("%d statements, states %v; want 112, %v", n, states, want)
	}
	feedtest.Golden(t, filepath.Join("testdata", "golden", "vex-examples.golden"), all)
}

func TestParseVEX(t *testing.T) {
	doc := func(vulns string) string {
		return `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
		"metadata":{"component":{"type":"application","name":"app","bom-ref":"app","purl":"pkg:npm/app@1.0.0"}},
		"components":[{"type":"library","name":"lib","bom-ref":"lib-ref","purl":"pkg:npm/lib@2.0.0"}],
		"vulnerabilities":[` + vulns + `]}`
	}
	tests := []struct {
		name, doc string
		want      []Statement
		err       string
	}{{
		name: "full.json",
		doc: doc(`{"id":"CVE-2021-44228","references":[{"id":"GHSA-jfh8-c2jp-5v3q","source":{"name":"GitHub"}}],
			"analysis":{"state":"not_affected","justification":"code_not_reachable","response":["will_not_fix","update"],"detail":" not called "},
			"affects":[{"ref":"lib-ref"},{"ref":"app"},{"ref":"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#lib"},{"ref":"pkg:maven/org.x/y@1"}]},
			{"id":"CVE-2024-0001"}`),
		want: []Statement{{
			VulnID: "CVE-2021-44228", Aliases: []string{"GHSA-jfh8-c2jp-5v3q"},
			Affects: []Target{{Ref: "lib-ref", PURL: "pkg:npm/lib@2.0.0"}, {Ref: "app", PURL: "pkg:npm/app@1.0.0"},
				{Ref: "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#lib"}, {Ref: "pkg:maven/org.x/y@1", PURL: "pkg:maven/org.x/y@1"}},
			State: StateNotAffected, Justification: JustCodeNotReachable, Response: []Response{RespWillNotFix, RespUpdate}, Detail: "not called",
		}, {VulnID: "CVE-2024-0001"}},
	}, {
		// A word the schema does not define is not guessed at: the
		// statement is left out and reported, and the others are kept.
		name: "unknown.json",
		doc: doc(`{"id":"CVE-1","analysis":{"state":"fixed"}},{"id":"CVE-2","analysis":{"state":"in_triage","response":["patch"]}},
			{"id":"CVE-3","analysis":{"justification":"because"}},{"analysis":{"state":"resolved"}},{"id":"CVE-4","affects":[{"ref":""}]},
			{"id":"CVE-5","analysis":{"state":"resolved_with_pedigree"}}`),
		want: []Statement{{VulnID: "CVE-5", State: StateResolvedWithPedigree}},
		err: `vulnerabilities[0] (CVE-1): analysis.state: malformed input: unknown analysis state "fixed" ([resolved resolved_with_pedigree exploitable in_triage false_positive not_affected])
vulnerabilities[1] (CVE-2): analysis.response[0]: malformed input: unknown response "patch" ([can_not_fix will_not_fix update rollback workaround_available])
vulnerabilities[2] (CVE-3): analysis.justification: malformed input: unknown justification "because" ([code_not_present code_not_reachable requires_configuration requires_dependency requires_environment protected_by_compiler protected_at_runtime protected_at_perimeter protected_by_mitigating_control])
vulnerabilities[3]: id: malformed input: empty
vulnerabilities[4] (CVE-4): affects[0].ref: malformed input: empty`,
	}, {
		name: "vex.xml",
		doc: `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1">
<vulnerabilities><vulnerability><id>CVE-2020-1</id><analysis><state>exploitable</state><responses><response>update</response></responses></analysis>
<affects><target><ref>pkg:npm/x@1.0.0</ref></target></affects></vulnerability></vulnerabilities></bom>`,
		want: []Statement{{VulnID: "CVE-2020-1", State: StateExploitable, Response: []Response{RespUpdate},
			Affects: []Target{{Ref: "pkg:npm/x@1.0.0", PURL: "pkg:npm/x@1.0.0"}}}},
	}, {
		name: "novulns.json",
		doc:  `{"bomFormat":"CycloneDX","specVersion":"1.4"}`,
	}, {
		name: "notjson.json",
		doc:  `{"bomFormat":`,
		err:  `notjson.json: malformed input: bomFormat: unexpected end of JSON input`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVEX(tt.name, strings.NewReader(tt.doc))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
			msg := ""
			if err != nil {
				msg = err.Error()
				if !errors.Is(err, feed.ErrFormat) {
					t.Errorf("error does not wrap ErrFormat: %v", err)
				}
			}
			if msg != tt.err {
				t.Errorf("error:\n%s\nwant:\n%s", msg, tt.err)
			}
		})
	}
}

// TestVocabulary: the closed vocabularies refuse unknown words in JSON and
// round-trip the known ones.
func TestVocabulary(t *testing.T) {
	var s Statement
	if err := json.Unmarshal([]byte(`{"vuln_id":"x","state":"not_affected","justification":"code_not_present","response":["update"]}`), &s); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(s)
	if string(b) != `{"vuln_id":"x","state":"not_affected","justification":"code_not_present","response":["update"]}` {
		t.Errorf("round trip: %s", b)
	}
	for _, bad := range []string{`{"state":"NOT_AFFECTED"}`, `{"justification":"x"}`, `{"response":["fix"]}`} {
		if err := json.Unmarshal([]byte(bad), &s); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	for _, w := range states {
		if !w.IsValid() || w.String() != string(w) {
			t.Errorf("%q", w)
		}
	}
	if State("").IsValid() || Justification("").IsValid() || Response("").IsValid() {
		t.Error("the zero values are not schema words")
	}
}
