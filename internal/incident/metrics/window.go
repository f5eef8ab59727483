package metrics

import (
	"errors"
	"fmt"
	"time"
)

// Windows: a year up to now unless told otherwise, twenty years at most
// (as many months as chart.MaxMonths draws). A longer window is a typo in
// a date (2206 for 2026), and would otherwise become thousands of months.
const (
	DefaultMonths = 12
	MaxMonths     = 240
)

// ErrWindow marks a window that cannot be measured.
var ErrWindow = errors.New("invalid metrics window")

// Window is the span measured: From inclusive, To exclusive.
type Window struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Contains reports whether t is in the window.
func (w Window) Contains(t time.Time) bool { return !t.Before(w.From) && t.Before(w.To) }

// Validate checks that the window is a span of at most MaxMonths
// calendar months, naming the bound at fault.
func (w Window) Validate() error {
	switch {
	case w.From.IsZero():
		return fmt.Errorf("%w: from: not set", ErrWindow)
	case w.To.IsZero():
		return fmt.Errorf("%w: to: not set", ErrWindow)
	case !w.From.Before(w.To):
		return fmt.Errorf("%w: from: %s is not before to %s", ErrWindow, stamp(w.From), stamp(w.To))
	}
	if n := w.span(); n > MaxMonths {
		return fmt.Errorf("%w: %s to %s spans %d months, more than %d", ErrWindow, stamp(w.From), stamp(w.To), n, MaxMonths)
	}
	return nil
}

// span is how many calendar months (UTC) the window touches.
func (w Window) span() int {
	from, last := w.From.UTC(), w.To.Add(-time.Nanosecond).UTC()
	return (last.Year()-from.Year())*12 + int(last.Month()) - int(from.Month()) + 1
}

// months returns the first instant (UTC) of every calendar month a valid
// window touches, oldest first.
func (w Window) months() []time.Time {
	y, m, _ := w.From.UTC().Date()
	out := make([]time.Time, w.span())
	for i := range out {
		out[i] = time.Date(y, m+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
	}
	return out
}

// stamp writes a bound as a day when it is a midnight in UTC, else as an
// RFC 3339 time.
func stamp(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

// ParseWindow reads a window from its bounds as people and the API write
// them, YYYY-MM-DD days (midnight UTC): from is the first day measured,
// to the day after the last. An empty to is now (the window ends now);
// an empty from is DefaultMonths before to.
func ParseWindow(from, to string, now time.Time) (Window, error) {
	w := Window{To: now.UTC()}
	if to != "" {
		t, err := time.Parse(time.DateOnly, to)
		if err != nil {
			return w, fmt.Errorf("%w: to: %q is not a YYYY-MM-DD day", ErrWindow, to)
		}
		w.To = t
	}
	w.From = w.To.AddDate(0, -DefaultMonths, 0)
	if from != "" {
		t, err := time.Parse(time.DateOnly, from)
		if err != nil {
			return w, fmt.Errorf("%w: from: %q is not a YYYY-MM-DD day", ErrWindow, from)
		}
		w.From = t
	}
	return w, w.Validate()
}
