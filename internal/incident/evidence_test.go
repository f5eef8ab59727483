package incident

import (
	"errors"
	"io"
	"path"
	"strings"
	"testing"
	"time"
)

// zeros reads as endless zero bytes, for sizes past the limit without
// allocating them.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestNewEvidence(t *testing.T) {
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	ev, err := NewEvidence("access.log", "text/plain; charset=utf-8", strings.NewReader("hello\n"), "alice", at)
	if err != nil {
		t.Fatal(err)
	}
	want := Evidence{Name: "access.log", MediaType: "text/plain", Size: 6,
		SHA256:    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
		Collected: at, CollectedBy: "alice", Marking: Marking{TLP: Red}}
	if ev.Name != want.Name || ev.MediaType != want.MediaType || ev.Size != want.Size || ev.SHA256 != want.SHA256 ||
		!ev.Collected.Equal(at) || ev.CollectedBy != want.CollectedBy || ev.Marking.TLP != Red || ev.Marking.Embargo != nil {
		t.Errorf("NewEvidence:\n got %+v\nwant %+v", ev, want)
	}
	if err := ev.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if ev, err := NewEvidence("blob", "", strings.NewReader("x"), "alice", at); err != nil || ev.MediaType != "application/octet-stream" {
		t.Errorf("no media type: %q, %v", ev.MediaType, err)
	}

	for _, tc := range []struct {
		name, mediaType string
		content         io.Reader
		by              string
		err             string
		is              error
	}{
		{"../etc/passwd", "", strings.NewReader("x"), "alice", `invalid evidence: name "../etc/passwd": a path: give the file's name alone`, ErrEvidence},
		{"logs/access.log", "", strings.NewReader("x"), "alice", `invalid evidence: name "logs/access.log": a path: give the file's name alone`, ErrEvidence},
		{`C:\temp\x.log`, "", strings.NewReader("x"), "alice", `invalid evidence: name "C:\\temp\\x.log": a path: give the file's name alone`, ErrEvidence},
		{"C:x.log", "", strings.NewReader("x"), "alice", `invalid evidence: name "C:x.log": a path: give the file's name alone`, ErrEvidence},
		{"..", "", strings.NewReader("x"), "alice", `invalid evidence: name "..": not a file name`, ErrEvidence},
		{"", "", strings.NewReader("x"), "alice", `invalid evidence: name "": empty`, ErrEvidence},
		{"a\x00b", "", strings.NewReader("x"), "alice", `invalid evidence: name "a\x00b": control character`, ErrEvidence},
		{"fake\nentry", "", strings.NewReader("x"), "alice", `invalid evidence: name "fake\nentry": control character`, ErrEvidence},
		{"evil\u202egpj.exe", "", strings.NewReader("x"), "alice", "", nil}, // bidi override: printable, shown quoted
		{" x.log", "", strings.NewReader("x"), "alice", `invalid evidence: name " x.log": leading or trailing space`, ErrEvidence},
		{"\xff.log", "", strings.NewReader("x"), "alice", `invalid evidence: name "\xff.log": not UTF-8`, ErrEvidence},
		{strings.Repeat("a", 256), "", strings.NewReader("x"), "alice", "longer than 255 bytes", ErrEvidence},
		{"x.log", "text/", strings.NewReader("x"), "alice", `invalid evidence: x.log: media_type: "text/": mime: expected token after slash`, ErrEvidence},
		{"x.log", "", strings.NewReader("x"), "", `invalid evidence: x.log: collected_by: "" is not a name`, ErrEvidence},
		{"x.log", "", strings.NewReader(""), "alice", "invalid evidence: x.log: content: empty", ErrEvidence},
		{"disk.img", "", io.LimitReader(zeros{}, MaxEvidence+1), "alice", "evidence too large: disk.img is larger than 100 MiB", ErrTooLarge},
	} {
		_, err := NewEvidence(tc.name, tc.mediaType, tc.content, tc.by, at)
		if tc.err == "" {
			if err != nil {
				t.Errorf("NewEvidence(%q): %v", tc.name, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, tc.is) || (err.Error() != tc.err && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("NewEvidence(%q):\n got %v\nwant %s", tc.name, err, tc.err)
		}
	}
	if _, err := NewEvidence("x", "", strings.NewReader("x"), "alice", time.Time{}); err == nil || err.Error() != "invalid evidence: x: collected: missing" {
		t.Errorf("no time: %v", err)
	}
	// Exactly at the limit is accepted.
	if ev, err := NewEvidence("max.bin", "", io.LimitReader(zeros{}, MaxEvidence), "alice", at); err != nil || ev.Size != MaxEvidence {
		t.Errorf("at the limit: %d, %v", ev.Size, err)
	}
}

func TestEvidenceValidate(t *testing.T) {
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		edit func(*Evidence)
		err  string
	}{
		{"valid", func(*Evidence) {}, ""},
		{"hash upper case", func(ev *Evidence) { ev.SHA256 = strings.ToUpper(ev.SHA256) },
			`invalid evidence: evidence 3 (access.log): sha256: "5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03" is not a lowercase hex SHA-256`},
		{"no size", func(ev *Evidence) { ev.Size = 0 }, "invalid evidence: evidence 3 (access.log): size: 0 bytes is not between 1 byte and 100 MiB"},
		{"source with a newline", func(ev *Evidence) { ev.Source = "host\nforged" }, "invalid evidence: evidence 3 (access.log): source: longer than 1024 bytes or not printable"},
		{"no label", func(ev *Evidence) { ev.Marking = Marking{} }, `invalid evidence: evidence 3 (access.log): marking: tlp: unknown "" (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)`},
		{"bad name", func(ev *Evidence) { ev.Name = "a/b" }, `invalid evidence: name "a/b": a path: give the file's name alone`},
		{"no collector", func(ev *Evidence) { ev.CollectedBy = " alice" }, `invalid evidence: evidence 3 (access.log): collected_by: " alice" is not a name`},
	} {
		ev, err := NewEvidence("access.log", "text/plain", strings.NewReader("hello\n"), "alice", at)
		if err != nil {
			t.Fatal(err)
		}
		ev.ID = 3
		tc.edit(&ev)
		err = ev.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (err.Error() != tc.err || !errors.Is(err, ErrEvidence))) {
			t.Errorf("%s:\n got %v\nwant %s", tc.name, err, tc.err)
		}
	}
}

func TestCheckCustody(t *testing.T) {
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	ev, err := NewEvidence("access.log", "text/plain", strings.NewReader("hello\n"), "alice", at)
	if err != nil {
		t.Fatal(err)
	}
	ev.ID = 3
	h := func(n int) time.Time { return at.Add(time.Duration(n) * time.Hour) }
	good := []CustodyEvent{
		ev.Intake(),
		{At: h(1), Actor: "bob", Action: CustodyAccessed, Reason: "timeline of the webshell upload"},
		{At: h(1), Actor: "bob", Action: CustodyVerified, SHA256: ev.SHA256},
		{At: h(2), Actor: "alice", Action: CustodyExported, Reason: "for the insurer's forensic firm", To: "ir@forensics.example"},
		{At: h(3), Actor: "alice", Action: CustodyTransferred, Reason: "criminal complaint", To: "Detective Inspector Wu"},
	}
	edit := func(i int, f func(*CustodyEvent)) []CustodyEvent {
		log := append([]CustodyEvent(nil), good...)
		f(&log[i])
		return log
	}
	for _, tc := range []struct {
		name string
		log  []CustodyEvent
		err  string
	}{
		{"good", good, ""},
		{"intake only", good[:1], ""},
		{"empty", nil, "broken chain of custody: evidence 3 (access.log): no entries (it starts with its collection)"},
		{"starts with an access", good[1:],
			`broken chain of custody: evidence 3 (access.log): custody[0] (accessed by "bob" at 2026-11-20T09:00:00Z): the first entry must be collected`},
		{"collected again", append(append([]CustodyEvent(nil), good...), CustodyEvent{At: h(4), Actor: "carol", Action: CustodyCollected}),
			`broken chain of custody: evidence 3 (access.log): custody[5] (collected by "carol" at 2026-11-20T12:00:00Z): collected again: evidence is collected once, and a new copy is new evidence`},
		{"time goes back", edit(3, func(e *CustodyEvent) { e.At = h(0) }),
			`broken chain of custody: evidence 3 (access.log): custody[3] (exported by "alice" at 2026-11-20T08:00:00Z): before the previous entry, at 2026-11-20T09:00:00Z`},
		{"access without reason", edit(1, func(e *CustodyEvent) { e.Reason = " " }),
			`broken chain of custody: evidence 3 (access.log): custody[1] (accessed by "bob" at 2026-11-20T09:00:00Z): reason: empty (say why it was accessed)`},
		{"export without reason", edit(3, func(e *CustodyEvent) { e.Reason = "" }),
			`broken chain of custody: evidence 3 (access.log): custody[3] (exported by "alice" at 2026-11-20T10:00:00Z): reason: empty (say why it was exported)`},
		{"transfer to nobody", edit(4, func(e *CustodyEvent) { e.To = "" }),
			`broken chain of custody: evidence 3 (access.log): custody[4] (transferred by "alice" at 2026-11-20T11:00:00Z): to: empty (say who received it)`},
		{"unknown action", edit(2, func(e *CustodyEvent) { e.Action = "copied" }),
			`broken chain of custody: evidence 3 (access.log): custody[2] (copied by "bob" at 2026-11-20T09:00:00Z): unknown action "copied"`},
		{"nobody", edit(1, func(e *CustodyEvent) { e.Actor = "" }),
			`broken chain of custody: evidence 3 (access.log): custody[1] (accessed by "" at 2026-11-20T09:00:00Z): actor: not a name`},
		{"no time", edit(2, func(e *CustodyEvent) { e.At = time.Time{} }),
			`broken chain of custody: evidence 3 (access.log): custody[2] (verified by "bob" at 0001-01-01T00:00:00Z): no time`},
		{"intake by someone else", edit(0, func(e *CustodyEvent) { e.Actor = "mallory" }),
			`broken chain of custody: evidence 3 (access.log): custody[0] (collected by "mallory" at 2026-11-20T08:00:00Z): the evidence was collected by "alice" at 2026-11-20T08:00:00Z`},
		{"another evidence's entry", edit(1, func(e *CustodyEvent) { e.Evidence = 4 }),
			`broken chain of custody: evidence 3 (access.log): custody[1] (accessed by "bob" at 2026-11-20T09:00:00Z): entry for evidence 4`},
		{"bad hash", edit(2, func(e *CustodyEvent) { e.SHA256 = "abc" }),
			`broken chain of custody: evidence 3 (access.log): custody[2] (verified by "bob" at 2026-11-20T09:00:00Z): sha256: "abc" is not a lowercase hex SHA-256`},
	} {
		err := CheckCustody(ev, tc.log)
		if (err == nil) != (tc.err == "") || (err != nil && (err.Error() != tc.err || !errors.Is(err, ErrCustody))) {
			t.Errorf("%s:\n got %v\nwant %s", tc.name, err, tc.err)
		}
	}
}

func TestCustodyActionText(t *testing.T) {
	var a CustodyAction
	if err := a.UnmarshalText([]byte("transferred")); err != nil || a != CustodyTransferred {
		t.Errorf("transferred: %q, %v", a, err)
	}
	if err := a.UnmarshalText([]byte("deleted")); err == nil || err.Error() != `unknown custody action "deleted" (collected, accessed, exported, transferred, verified)` {
		t.Errorf("deleted: %v", err)
	}
}

// FuzzEvidenceName: whatever name NewEvidence accepts stays a single
// file inside the bundle's evidence folder.
func FuzzEvidenceName(f *testing.F) {
	for _, s := range []string{"access.log", "../x", `a\b`, "..", ".", "x\x00", "C:x", "a b.txt", "日志.txt"} {
		f.Add(s)
	}
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, name string) {
		ev, err := NewEvidence(name, "", strings.NewReader("x"), "alice", at)
		if err != nil {
			return
		}
		ev.ID = 12
		p := BundlePath(ev)
		if !safePath(p) || path.Dir(p) != "evidence" || path.Base(p) != "12-"+name {
			t.Fatalf("name %q accepted, bundle path %q escapes", name, p)
		}
		if err := ev.Validate(); err != nil {
			t.Fatalf("name %q accepted, then %v", name, err)
		}
	})
}
