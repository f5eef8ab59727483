package ident

import (
	"errors"
	"testing"
	"time"
)

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		id   string
		ns   string
		year int
		seq  int64
		bad  bool
	}{
		{id: "GCVE-1-2025-0001", ns: "GCVE-1", year: 2025, seq: 1},
		{id: "ACME-VULN-2026-12345", ns: "ACME-VULN", year: 2026, seq: 12345},
		{id: "GCVE-1-2025-1", bad: true},
		{id: "gcve-1-2025-0001", bad: true},
		{id: "GCVE-1-25-0001", bad: true},
		{id: "GCVE-1-2025-0000", bad: true},
		{id: "GCVE-1-2025-99999999999999999999", bad: true},
	} {
		ns, year, seq, err := Parse(tc.id)
		if tc.bad {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse(%q) = %v, want ErrInvalid", tc.id, err)
			}
			continue
		}
		if err != nil || ns != tc.ns || year != tc.year || seq != tc.seq {
			t.Errorf("Parse(%q) = %q %d %d %v", tc.id, ns, year, seq, err)
		}
		if got := Format(ns, year, seq); got != tc.id {
			t.Errorf("Format = %q, want %q", got, tc.id)
		}
	}
}

func TestAuthority(t *testing.T) {
	for _, tc := range []struct {
		a    Authority
		ns   string
		fail bool
	}{
		{a: Authority{GNA: 1}, ns: "GCVE-1"},
		{a: Authority{GNA: 424, Prefix: "ACME"}, ns: "ACME"},
		{a: Authority{Prefix: "acme"}, fail: true},
		{a: Authority{Prefix: "GCVE-9"}, fail: true},
		{a: Authority{Prefix: "CVE"}, fail: true},
		{a: Authority{Prefix: "ACME-"}, fail: true},
		{a: Authority{GNA: -1}, fail: true},
		{a: Authority{}, fail: true},
	} {
		err := tc.a.Validate()
		if tc.fail != (err != nil) || !tc.fail && tc.a.Namespace() != tc.ns {
			t.Errorf("%+v: %q %v", tc.a, tc.a.Namespace(), err)
		}
	}
}

func TestMoves(t *testing.T) {
	at := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	reserved := Identifier{ID: "GCVE-1-2026-0001", Namespace: "GCVE-1", Year: 2026, Seq: 1, State: Reserved}
	published := reserved
	published.State = Published
	rejected := reserved
	rejected.State = Rejected
	for _, tc := range []struct {
		name string
		from Identifier
		m    Move
		ok   bool
	}{
		{"publish", reserved, Move{To: Published, Vuln: "CVE-2021-44228"}, true},
		{"publish naming nothing", reserved, Move{To: Published}, true},
		{"reject", reserved, Move{To: Rejected, Reason: "duplicate"}, true},
		{"reject published", published, Move{To: Rejected, Reason: "duplicate"}, true},
		{"reject without reason", reserved, Move{To: Rejected, Reason: " "}, false},
		{"publish twice", published, Move{To: Published}, false},
		{"publish rejected", rejected, Move{To: Published}, false},
		{"reserve again", published, Move{To: Reserved}, false},
		{"unknown state", reserved, Move{To: "withdrawn"}, false},
		{"naming itself", reserved, Move{To: Published, Vuln: "gcve-1-2026-0001"}, false},
		{"vuln on rejection", reserved, Move{To: Rejected, Reason: "x", Vuln: "CVE-2021-44228"}, false},
	} {
		got, err := tc.from.Apply(tc.m, at)
		if tc.ok != (err == nil) || err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if tc.ok && got.State != tc.m.To {
			t.Errorf("%s: state %s", tc.name, got.State)
		}
	}
	if _, err := rejected.WithAlias("CVE-2026-0001"); !errors.Is(err, ErrInvalid) {
		t.Errorf("alias on a rejected identifier: %v", err)
	}
	x, err := published.WithAlias("CVE-2026-0001")
	if err != nil || len(x.Aliases) != 1 || len(published.Aliases) != 0 {
		t.Errorf("alias: %+v %v", x, err)
	}
	r := x.Record(at)
	if r.Source != "vmc" || r.ID != x.ID || len(r.Aliases) != 1 {
		t.Errorf("record: %+v", r)
	}
}

// FuzzParse: identifiers come from users and peers; Parse never panics,
// and what it accepts formats back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"GCVE-1-2025-0001", "ACME-VULN-2026-12345", "CVE-2021-44228", "GCVE--2025-0001", "A-0000-0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ns, year, seq, err := Parse(s)
		if err != nil {
			return
		}
		if got := Format(ns, year, seq); got != s && len(s) >= len(got) {
			// Leading zeros beyond four digits are the only other form.
			if _, _, seq2, err := Parse(got); err != nil || seq2 != seq {
				t.Errorf("Parse(%q) → %q, which does not parse back", s, got)
			}
		}
	})
}
