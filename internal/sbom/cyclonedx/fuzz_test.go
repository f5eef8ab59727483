package cyclonedx

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vmc-dev/vmc/internal/feed"
)

// FuzzParse feeds mutated BOMs to Parse and ParseVEX. Neither may panic;
// a whole-file error must wrap feed.ErrFormat and every per-component one
// must be a *feed.RecordError; every component kept must pass
// asset.Component.Validate; and the inventory must survive a JSON round
// trip. Seeds are the small files in testdata (laravel's 140 KB BOM aside,
// which slows every mutation) and the XML hazards of TestParse.
//
// Run it with -fuzzminimizetime=1s under a short -fuzztime: the fuzzer
// minimises each new input before counting it, and minimising a
// many-kilobyte seed takes longer than a 10 s run.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"valid-dependency-1.6.xml", "valid-vulnerability-1.6.json", "vex/bom.json", "vex/use-case-1.vex.json", "vex/cisa-case-8.vex.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]><bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>`))
	f.Add([]byte(bom(`{"type":"library","name":"a","version":"1.0.0","purl":"pkg:npm/a@1.0.0","bom-ref":"a","components":[{"name":"b","purl":"pkg:deb/debian/b@1?distro=debian-12"}]}`,
		`{"ref":"app","dependsOn":["a"]}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse("fuzz", bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, feed.ErrFormat) {
				t.Fatalf("error does not wrap ErrFormat: %v", err)
			}
		}
		for _, e := range inv.Errors {
			var re *feed.RecordError
			if !errors.As(e, &re) {
				t.Fatalf("not a RecordError: %v", e)
			}
		}
		for _, c := range inv.Components {
			if err := c.Validate(); err != nil {
				t.Fatalf("%s: %v", c.Source, err)
			}
		}
		b, err := json.Marshal(inv)
		if err != nil {
			t.Fatal(err)
		}
		var back struct {
			Subject    string
			Components []json.RawMessage
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		got := inv
		got.Errors = nil
		var again = got
		if err := json.Unmarshal(b, &again); err != nil || !cmp.Equal(got, again, cmpopts.EquateEmpty()) {
			t.Fatalf("inventory changes in a JSON round trip: %v", err)
		}
		st, err := ParseVEX("fuzz", bytes.NewReader(data))
		if err != nil && !errors.Is(err, feed.ErrFormat) {
			t.Fatalf("VEX error does not wrap ErrFormat: %v", err)
		}
		b, err = json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		var st2 []Statement
		if err := json.Unmarshal(b, &st2); err != nil || !cmp.Equal(st, st2, cmpopts.EquateEmpty()) {
			t.Fatalf("statements change in a JSON round trip: %v\n%s", err, b)
		}
	})
}
