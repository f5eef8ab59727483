package audit

import (
	"encoding/json"
	"errors"
	"iter"
	"slices"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var es []Entry
	t0 := time.Date(2026, 11, 23, 5, 0, 0, 123456789, time.UTC)
	for i := range n {
		var prev *Entry
		if i > 0 {
			prev = &es[i-1]
		}
		es = append(es, Link(Entry{
			At: t0.Add(time.Duration(i) * time.Minute), Actor: "alice", Action: "finding.state",
			Object: "finding:7", Before: json.RawMessage(`{"state": "new"}`), After: json.RawMessage(`{"state":"triaged"}`),
			Reason: "seen in prod",
		}, prev))
	}
	return es
}

func seq(es []Entry) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func TestVerify(t *testing.T) {
	good := chain(5)
	if good[0].At.Nanosecond()%1000 != 0 {
		t.Errorf("Link kept sub-microsecond time %v", good[0].At)
	}
	if string(good[0].Before) != `{"state":"new"}` {
		t.Errorf("Before not compacted: %s", good[0].Before)
	}
	n, head, err := Verify(seq(good))
	if err != nil || n != 5 || head != good[4].Hash {
		t.Fatalf("Verify(good) = %d, %q, %v", n, head, err)
	}
	if n, _, err := Verify(seq(nil)); err != nil || n != 0 {
		t.Errorf("Verify(empty) = %d, %v", n, err)
	}
	tests := []struct {
		name   string
		tamper func([]Entry) []Entry
		want   string
	}{
		{"reason altered", func(es []Entry) []Entry { es[2].Reason = "no reason"; return es },
			"audit chain broken: entry 3 (finding.state finding:7 at 2026-11-23T05:02:00Z): content does not match its hash"},
		{"after altered", func(es []Entry) []Entry { es[0].After = json.RawMessage(`{"state":"verified"}`); return es },
			"audit chain broken: entry 1 (finding.state finding:7 at 2026-11-23T05:00:00Z): content does not match its hash"},
		{"time altered", func(es []Entry) []Entry { es[4].At = es[4].At.Add(time.Second); return es },
			"audit chain broken: entry 5 (finding.state finding:7 at 2026-11-23T05:04:01Z): content does not match its hash"},
		{"entry deleted", func(es []Entry) []Entry { return slices.Delete(es, 1, 2) },
			"audit chain broken: entry 3 follows entry 1 (entries missing or reordered)"},
		{"entry rehashed after edit", func(es []Entry) []Entry {
			es[1].Actor = "mallory"
			es[1] = Link(es[1], &es[0])
			return es
		}, "audit chain broken: entry 3: prev hash "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Verify(seq(tt.tamper(chain(5))))
			if !errors.Is(err, ErrBroken) {
				t.Fatalf("Verify = %v, want ErrBroken", err)
			}
			if got := err.Error(); len(got) < len(tt.want) || got[:len(tt.want)] != tt.want {
				t.Errorf("error = %q\nwant prefix %q", got, tt.want)
			}
		})
	}
}

func TestVerifyReencodedJSON(t *testing.T) {
	// A store that re-spells JSON (jsonb) must not break the chain.
	es := chain(2)
	es[1].After = json.RawMessage("{\n  \"state\" : \"triaged\"\n}")
	if _, _, err := Verify(seq(es)); err != nil {
		t.Fatal(err)
	}
}
