package metrics

import (
	"errors"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
)

// FuzzParseWindow feeds the window's bounds as the API's query and the
// command line's flags pass them: no input may panic, an error is always
// ErrWindow, and a window that parses is valid and can be measured, with
// one month of trend for each month it spans.
func FuzzParseWindow(f *testing.F) {
	for _, seed := range [][2]string{
		{"", ""}, {"2026-01-01", "2026-07-01"}, {"2026-07-01", "2026-01-01"}, {"0001-01-01", "9999-12-31"},
		{"2026-02-30", ""}, {"2026-1-1", "x"}, {"1990-01-01", "2026-01-01"}, {"2006-12-01", "2026-11-30"},
	} {
		f.Add(seed[0], seed[1], int64(1795525440))
	}
	f.Fuzz(func(t *testing.T, from, to string, nowUnix int64) {
		now := time.Unix(nowUnix%(1<<40), 0)
		w, err := ParseWindow(from, to, now)
		if err != nil {
			if !errors.Is(err, ErrWindow) {
				t.Fatalf("ParseWindow(%q, %q): %v does not wrap ErrWindow", from, to, err)
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("ParseWindow(%q, %q) = %v, which is not valid: %v", from, to, w, err)
		}
		in := inc(1, w.From, incident.Closed, map[incident.State]float64{incident.Closed: 1})
		s, err := Compute(Input{Window: w, Incidents: []incident.Incident{in}})
		if err != nil {
			t.Fatal(err)
		}
		if s.Incidents != 1 || len(s.Months) == 0 || len(s.Months) > MaxMonths || s.Months[0].Detected != 1 {
			t.Fatalf("%v: %d incidents, %d months, first %+v", w, s.Incidents, len(s.Months), s.Months[0])
		}
	})
}
