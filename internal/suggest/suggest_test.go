package suggest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
)

func TestFeatures(t *testing.T) {
	for _, tc := range []struct {
		name, text, lang string
		want             []string
	}{
		{"english words and bigrams, stop words dropped", "SQL injection in the login form", English,
			[]string{"b:injection_login", "b:login_form", "b:sql_injection", "w:form", "w:injection", "w:login", "w:sql"}},
		{"chinese character bigrams and latin words", "存在SQL注入漏洞", Chinese,
			[]string{"c:入漏", "c:存在", "c:注入", "c:漏洞", "w:sql"}},
		{"a lone han character", "A 洞", Chinese, []string{"c:洞"}},
		{"empty", "", English, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Features(tc.text, tc.lang)); diff != "" {
				t.Errorf("Features(%q) (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}

func TestParseMetrics(t *testing.T) {
	for _, tc := range []struct {
		vector string
		ok     bool
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", true},
		{"CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:C/C:N/I:L/A:N/E:P", true},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", false},          // A missing
		{"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", false},      // bad value
		{"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", false}, // repeated
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", false},                        // v2
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", false},
	} {
		if _, ok := ParseMetrics(tc.vector); ok != tc.ok {
			t.Errorf("ParseMetrics(%q) ok = %v, want %v", tc.vector, ok, tc.ok)
		}
	}
}

// tiny is a model trained on a handful of examples, enough to exercise
// prediction, encoding and suggestions.
func tiny(t testing.TB) *Model {
	ex := []Example{}
	add := func(id, text, cwe, vec string) {
		m, _ := ParseMetrics(vec)
		ex = append(ex, Example{ID: id, Lang: English, Text: text, CWE: cwe, Metrics: m})
	}
	for i := range 6 {
		add("A-"+string(rune('a'+i)), "cross-site scripting in the search page allows script injection", "CWE-79", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")
		add("B-"+string(rune('a'+i)), "sql injection in the login form allows reading the database", "CWE-89", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	}
	cfg := DefaultConfig
	cfg.HoldOut, cfg.MinDF, cfg.MinClass = 0, 1, 1
	return Train(ex, cfg)
}

func TestPredictAndMake(t *testing.T) {
	m := tiny(t)
	if _, err := m.Bytes(); err != nil {
		t.Fatal(err)
	}
	v := advisory.Merge("CNVD-2024-9", []string{"CNVD-2024-9"}, []advisory.SourceRef{{Source: "cnvd", Record: "CNVD-2024-9"}},
		(&advisory.Record{Source: "cnvd", ID: "CNVD-2024-9", Descriptions: []advisory.Text{{Lang: "en", Value: "An SQL injection in the login form"}}}).Claims(),
		advisory.DefaultPrecedence)
	ss := Make(m, &v)
	if len(ss) != 2 {
		t.Fatalf("Make gave %d suggestions, want a CWE and a CVSS vector: %+v", len(ss), ss)
	}
	if ss[0].Kind != KindCWE || ss[0].Value != "CWE-89" || ss[0].Model != m.Version || ss[0].Confidence < 0.5 {
		t.Errorf("CWE suggestion = %+v, want CWE-89 from %s with confidence above 0.5", ss[0], m.Version)
	}
	if ss[1].Kind != KindCVSS || ss[1].Value != "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" || len(ss[1].Alternatives) != 8 {
		t.Errorf("CVSS suggestion = %+v", ss[1])
	}
	ss[0].Status, ss[0].DecidedBy = StatusAccepted, "alice"
	ss[1].Status, ss[1].DecidedBy = StatusAccepted, "alice"
	rec, err := AnalystRecord("CNVD-2024-9", ss)
	if err != nil {
		t.Fatal(err)
	}
	wantProv := "suggested by model " + m.Version + ", accepted by alice"
	if len(rec.CWEs) != 1 || rec.CWEs[0].Provider != wantProv || len(rec.Severities) != 1 || rec.Severities[0].Score != 9.8 || rec.Severities[0].Rating != "CRITICAL" {
		t.Errorf("AnalystRecord = %+v, want CWE-89 and a 9.8 CRITICAL vector, both by %q", rec, wantProv)
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	m := tiny(t)
	b, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != m.Version {
		t.Errorf("decoded version %s, want %s", d.Version, m.Version)
	}
	b2, _ := d.Bytes()
	if !bytes.Equal(b, b2) {
		t.Error("re-encoding a decoded model changed it")
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestDecodeBad(t *testing.T) {
	const head = `{"format":"vmc-suggest-nb/1","config":{"Alpha":0.1},"langs":{"en":{"vocab":["w:a","w:b"],"targets":{"AV":`
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"not gzip", []byte("{}"), "gzip"},
		{"not json", gz("nope"), "invalid character"},
		{"other format", gz(`{"format":"x"}`), `format: got "x"`},
		{"bad alpha", gz(`{"format":"vmc-suggest-nb/1","config":{"Alpha":0}}`), "config.alpha"},
		{"unknown language", gz(`{"format":"vmc-suggest-nb/1","config":{"Alpha":1},"langs":{"fr":{}}}`), `unknown language "fr"`},
		{"unsorted vocab", gz(`{"format":"vmc-suggest-nb/1","config":{"Alpha":1},"langs":{"en":{"vocab":["b","a"]}}}`), `langs.en.vocab[1]`},
		{"unknown target", gz(head[:len(head)-5] + `"XX":{}}}}}`), `unknown target "XX"`},
		{"no classes", gz(head + `{"classes":[],"docs":[]}}}}}`), "targets.AV.classes: empty"},
		{"docs mismatch", gz(head + `{"classes":["N"],"docs":[]}}}}}`), "targets.AV.docs"},
		{"feature out of range", gz(head + `{"classes":["N"],"docs":[3],"counts":[2,0,1]}}}}}`), "targets.AV.counts[0]: feature 2 out of range"},
		{"class out of range", gz(head + `{"classes":["N"],"docs":[3],"counts":[0,1,1]}}}}}`), "counts[1]: class 1 out of range"},
		{"count above docs", gz(head + `{"classes":["N"],"docs":[3],"counts":[0,0,4]}}}}}`), "counts[2]: count 4 outside 1..3"},
		{"counts out of order", gz(head + `{"classes":["N"],"docs":[3],"counts":[1,0,1,0,0,1]}}}}}`), "counts[3]: feature 0 class 0 out of order"},
		{"counts not triples", gz(head + `{"classes":["N"],"docs":[3],"counts":[0,0]}}}}}`), "not a multiple of 3"},
		{"bias mismatch", gz(head + `{"classes":["N"],"docs":[3],"bias":[0,1]}}}}}`), "targets.AV.bias: 2 biases for 1 classes"},
		{"bias too large", gz(head + `{"classes":["L","N"],"docs":[3,3],"bias":[0,1e300]}}}}}`), "targets.AV.bias[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tc.in))
			if err == nil || !errors.Is(err, ErrModel) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Decode: %v, want ErrModel containing %q", err, tc.want)
			}
		})
	}
}

// FuzzDecode: a model file never panics the decoder or the prediction of
// a model it accepts, and what decodes re-encodes to a model that decodes
// to the same version.
func FuzzDecode(f *testing.F) {
	b, err := tiny(f).Bytes()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(gz(`{"format":"vmc-suggest-nb/1","config":{"Alpha":0.1},"langs":{"en":{"vocab":["w:a"],"targets":{"AV":{"classes":["N"],"docs":[1],"counts":[0,0,1]}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		m.Predict("a sql injection 注入", English)
		m.Predict("注入漏洞", Chinese)
		again, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := Decode(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("re-encoded model does not decode: %v", err)
		}
		if m2.Version != m.Version {
			t.Errorf("version %s after re-encoding, was %s", m2.Version, m.Version)
		}
	})
}

// FuzzFeatures: any text in either language gives sorted, distinct
// features without panicking.
func FuzzFeatures(f *testing.F) {
	for _, s := range []string{"SQL injection in login", "存在SQL注入漏洞", "", "\xff\xfe", strings.Repeat("漏", 10000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, lang := range Langs {
			fs := Features(s, lang)
			for i := 1; i < len(fs); i++ {
				if fs[i-1] >= fs[i] {
					t.Fatalf("Features(%q, %s) not sorted and distinct at %d: %q", s, lang, i, fs)
				}
			}
		}
	})
}
