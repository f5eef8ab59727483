package baseline

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestBuiltin(t *testing.T) {
	bs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) < 3 {
		t.Fatalf("%d builtin baselines, want at least 3", len(bs))
	}
	kinds := map[Kind]bool{}
	for _, b := range bs {
		for _, r := range b.Rules {
			kinds[r.Check.Kind] = true
		}
	}
	for _, k := range []Kind{SSHD, Sysctl, Package, Service, File, TLS} {
		if !kinds[k] {
			t.Errorf("no builtin rule of kind %s", k)
		}
	}
}

func TestParseBaselineErrors(t *testing.T) {
	rule := func(edit string) string {
		r := `{"id":"R-1","title":{"en":"t","zh-CN":"标"},"severity":"high","rationale":{"en":"r","zh-CN":"理"},` +
			`"source":{"name":"KSPP","url":"https://kspp.github.io/Recommended_Settings"},"check":{"kind":"sysctl","key":"k","op":"one_of","values":["1"]}}`
		if edit != "" {
			old, new, _ := strings.Cut(edit, "→")
			r = strings.Replace(r, old, new, 1)
		}
		return `{"id":"b","version":"1","title":{"en":"B","zh-CN":"乙"},"applies":"x","rules":[` + r + `]}`
	}
	tests := []struct {
		name, in, want string
	}{
		{"ok", rule(""), ""},
		{"unknown field", strings.Replace(rule(""), `"applies"`, `"aplies"`, 1), `unknown field "aplies"`},
		{"no citation", rule(`"name":"KSPP"→"name":""`), "rules[0] R-1.source.name: empty"},
		{"http citation", rule(`https://kspp→http://kspp`), "rules[0] R-1.source.url: not an https URL"},
		{"no chinese", rule(`"zh-CN":"标"→"zh-CN":""`), "rules[0] R-1.title: both en and zh-CN are required"},
		{"bad severity", rule(`"high"→"urgent"`), `unknown severity "urgent"`},
		{"bad kind", rule(`"sysctl"→"registry"`), `unknown kind "registry"`},
		{"op of other kind", rule(`"one_of"→"absent"`), `rules[0] R-1.check.op: "absent" is not an operator of kind "sysctl"`},
		{"not an integer", rule(`"one_of","values":["1"]→"at_least","values":["one"]`), `check.values: not an integer: "one"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("b.json", []byte(tc.in))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid)):
				t.Fatalf("error %v, want one containing %q wrapping ErrInvalid", err, tc.want)
			}
		})
	}
}

// readDir reads every file of a testdata directory as sources.
func readDir(t testing.TB, dir string) []Source {
	t.Helper()
	var out []Source
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out = append(out, Source{Name: filepath.ToSlash(p), Data: data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEvaluateDebian12 evaluates every builtin baseline against the
// real configuration of a Debian 12 host: the Debian default
// sshd_config, and this machine's sysctl -a, dpkg and systemctl output.
func TestEvaluateDebian12(t *testing.T) {
	snap, err := Read(readDir(t, "testdata/debian12"), nil)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range snap.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, bl := range bs {
		ev := Evaluate(bl, snap, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
		fmt.Fprintf(&b, "\n%s %s: %d pass, %d fail, %d n/a, %d unknown, %.1f%%\n", ev.Baseline, ev.Version, ev.Passed, ev.Failed, ev.NotApplicable, ev.Unknown, ev.Compliance)
		for _, r := range ev.Results {
			fmt.Fprintf(&b, "%-8s %-14s %-8s expected %q actual %q", r.Rule, r.Status, r.Severity, r.Expected, r.Actual)
			if r.Note != "" {
				fmt.Fprintf(&b, " (%s)", r.Note)
			}
			b.WriteString("\n")
		}
	}
	golden(t, "testdata/debian12.golden", b.String())
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (-update rewrites it):\n%s", path, got)
	}
}

func TestDiff(t *testing.T) {
	r := func(id string, st Status) Result {
		res := Result{Rule: id, Status: st}
		if st != Unknown {
			res.Known = st
		}
		return res
	}
	prev := &Evaluation{Results: []Result{r("A", Pass), r("B", Fail), r("C", Pass), r("E", Pass)}}
	// E is unknown in between: it is compared with its last known status.
	mid := &Evaluation{Results: []Result{r("A", Pass), r("B", Fail), r("C", Pass), r("E", Unknown)}}
	Diff(prev, mid)
	if mid.Changes != nil || mid.Results[3].Known != Pass {
		t.Fatalf("through unknown: %v %+v", mid.Changes, mid.Results[3])
	}
	cur := &Evaluation{Results: []Result{r("A", Fail), r("B", Pass), r("C", Pass), r("D", Fail), r("E", Fail)}}
	Diff(mid, cur)
	want := []StatusChange{{"A", Pass, Fail}, {"B", Fail, Pass}, {"E", Pass, Fail}}
	if fmt.Sprint(cur.Changes) != fmt.Sprint(want) {
		t.Errorf("changes %v, want %v", cur.Changes, want)
	}
	if d := cur.Drift(); len(d) != 2 || d[0].Rule != "A" || d[1].Rule != "E" {
		t.Errorf("drift %v, want A and E", d)
	}
	Diff(nil, cur)
	if cur.Changes != nil {
		t.Errorf("changes without a previous evaluation: %v", cur.Changes)
	}
}
