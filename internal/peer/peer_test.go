package peer

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
)

func TestValidate(t *testing.T) {
	ok := Peer{Name: "b", Kind: OSV, URL: "http://127.0.0.1:8080/", Trust: Standard}
	tests := []struct {
		name string
		edit func(*Peer)
		want string // "" when valid
	}{
		{"osv", func(*Peer) {}, ""},
		{"taxii", func(p *Peer) { p.Kind, p.Collection = TAXII, "5f1b0d0e-3c0f-4b61-9c2a-6a1d4e0b7c11" }, ""},
		{"name", func(p *Peer) { p.Name = "B b" }, `peer B b: name: malformed "B b"`},
		{"kind", func(p *Peer) { p.Kind = "ftp" }, `kind: unknown "ftp"`},
		{"trust", func(p *Peer) { p.Trust = "total" }, `trust: unknown "total"`},
		{"every", func(p *Peer) { p.Every = time.Second }, "every: 1s is less than a minute"},
		{"taxii without collection", func(p *Peer) { p.Kind = TAXII }, "collection: a TAXII peer needs"},
		{"osv with collection", func(p *Peer) { p.Collection = "x" }, "collection: an OSV peer has none"},
		{"url", func(p *Peer) { p.URL = "file:///etc/passwd" }, "url: \"file:///etc/passwd\" is not an http(s) URL"},
		{"credentials in url", func(p *Peer) { p.URL = "http://u:p@h/" }, "url: carries credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ok
			tc.edit(&p)
			err := p.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate = %v, want nil", err)
			case tc.want != "" && (err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate = %v, want ErrInvalid with %q", err, tc.want)
			}
		})
	}
}

func TestDue(t *testing.T) {
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		every time.Duration
		last  time.Time
		want  bool
	}{
		{"on demand only", 0, time.Time{}, false},
		{"never pulled", time.Hour, time.Time{}, true},
		{"pulled an hour ago", time.Hour, now.Add(-time.Hour), true},
		{"pulled a moment short of an hour ago", time.Hour, now.Add(-time.Hour + 10*time.Second), true},
		{"pulled 59 minutes ago", time.Hour, now.Add(-59 * time.Minute), false},
		{"pulled just now", time.Minute, now, false},
		{"pulled a minute ago", time.Minute, now.Add(-time.Minute), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Peer{Every: tc.every, Last: Pull{At: tc.last}}
			if got := p.Due(now, MinEvery); got != tc.want {
				t.Errorf("Due = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	base := advisory.Precedence{Sources: []string{"vmc", "cve5", "nvd", "ghsa", "osv"}}
	peers := []Peer{{Name: "z", Trust: Low}, {Name: "hq", Trust: Authority}, {Name: "b", Trust: Standard}, {Name: "a", Trust: Standard}}
	got := Precedence(base, peers).Sources
	want := []string{"vmc", "peer:hq", "cve5", "nvd", "peer:a", "peer:b", "ghsa", "osv", "peer:z"}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("Precedence (-want +got):\n%s", d)
	}
	// Applying it again (peers already placed) gives the same order, and
	// the base is not changed.
	if d := cmp.Diff(want, Precedence(advisory.Precedence{Sources: got}, peers).Sources); d != "" {
		t.Fatalf("Precedence twice (-want +got):\n%s", d)
	}
	if len(base.Sources) != 5 {
		t.Fatalf("base changed: %v", base.Sources)
	}
	p := Precedence(base, peers)
	if p.Compare("", "peer:hq", "cve5") >= 0 || p.Compare("", "peer:z", "osv") <= 0 || p.Compare("", "peer:a", "ghsa") >= 0 {
		t.Fatalf("Compare does not follow the trust levels: %v", p.Sources)
	}
}

func TestOrigin(t *testing.T) {
	tests := []struct {
		name    string
		sources []string
		origins []string
		want    string
	}{
		{"own source", []string{"peer:b", "nvd"}, []string{"c"}, "a"},
		{"only peers", []string{"peer:b", "peer:c"}, []string{"", "c"}, "c"},
		{"only peers, origin unknown", []string{"peer:b"}, nil, "a"},
	}
	for _, tc := range tests {
		if got := Origin("a", tc.sources, tc.origins); got != tc.want {
			t.Errorf("%s: Origin = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSealer(t *testing.T) {
	if _, err := NewSealer(""); !errors.Is(err, ErrNoKey) {
		t.Fatalf("no key: %v", err)
	}
	if _, err := NewSealer("short"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("short key: %v", err)
	}
	s, err := NewSealer("a federation key of some length")
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal("b", "vmc_secret_token")
	if err != nil || strings.Contains(sealed, "vmc_secret_token") {
		t.Fatalf("Seal = %q, %v", sealed, err)
	}
	if got, err := s.Open("b", sealed); err != nil || got != "vmc_secret_token" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := s.Open("c", sealed); err == nil {
		t.Fatal("a token sealed for b opened as c's")
	}
	other, _ := NewSealer("another federation key, longer")
	if _, err := other.Open("b", sealed); err == nil {
		t.Fatal("a token opened with another key")
	}
	var none *Sealer
	if _, err := none.Seal("b", "x"); !errors.Is(err, ErrNoKey) {
		t.Fatalf("nil sealer: %v", err)
	}
}

func TestIndex(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 123000000, time.UTC)
	entries := []IndexEntry{{at, "CVE-2026-0001", ""}, {at.Add(time.Second), "GHSA-abcd-efgh-ijkl", "hq"}}
	var b bytes.Buffer
	if err := WriteIndex(&b, entries); err != nil {
		t.Fatal(err)
	}
	got, err := ReadIndex(&b)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(entries, got); d != "" {
		t.Fatalf("round trip (-want +got):\n%s", d)
	}
	bad := []struct{ in, want string }{
		{"2026-11-23T10:00:00Z,CVE-1\n", "line 1: want modified,id,origin; got 2 fields"},
		{"\nyesterday,CVE-1,\n", "line 2: modified:"},
		{"2026-11-23T10:00:00Z,../etc,\n", "line 1: id: malformed \"../etc\""},
		{"2026-11-23T10:00:00Z,CVE-1,Bad Origin\n", "line 1: invalid peer: origin"},
		{strings.Repeat("x", 5000), "token too long"},
	}
	for _, tc := range bad {
		if _, err := ReadIndex(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadIndex(%.40q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func FuzzReadIndex(f *testing.F) {
	f.Add([]byte("2026-11-23T10:00:00.123Z,CVE-2026-0001,\n2026-11-23T10:00:01Z,GHSA-x,hq\n"))
	f.Add([]byte("2026-11-23T10:00:00Z,CVE-1\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		entries, err := ReadIndex(bytes.NewReader(in))
		if err != nil {
			return
		}
		// Whatever reads must write and read back the same.
		var b bytes.Buffer
		if err := WriteIndex(&b, entries); err != nil {
			t.Fatal(err)
		}
		again, err := ReadIndex(&b)
		if err != nil {
			t.Fatalf("re-reading %q: %v", b.String(), err)
		}
		if d := cmp.Diff(entries, again); d != "" {
			t.Fatalf("round trip (-first +second):\n%s", d)
		}
	})
}
