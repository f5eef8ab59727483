package report

import (
	"strconv"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/risk"
)

// msgs returns the strings of a valid language.
func msgs(l Lang) *messages {
	if l == Chinese {
		return &zhCN
	}
	return &en
}

// priority names p; a priority the table lacks shows as it is.
func (m *messages) priority(p risk.Priority) string {
	if s, ok := m.PriorityNames[p]; ok {
		return s
	}
	return string(p)
}

// state names s; a state the table lacks shows as it is.
func (m *messages) state(s finding.State) string {
	if n, ok := m.StateNames[s]; ok {
		return n
	}
	return string(s)
}

// env names a policy's environment, "" being the default policy.
func (m *messages) env(e asset.Environment) string {
	if e == "" {
		return m.DefaultEnv
	}
	if n, ok := m.EnvNames[e]; ok {
		return n
	}
	return string(e)
}

// yesNo says b in words.
func (m *messages) yesNo(b bool) string {
	if b {
		return m.Yes
	}
	return m.No
}

// timestamp formats when a report was generated, with its zone:
// "23 Nov 2026 15:04 UTC", "2026年11月23日 15:04 UTC+08:00". The zone is
// written as an offset, not an abbreviation: Go names Asia/Shanghai "CST",
// which also means US Central time.
func (m *messages) timestamp(t time.Time) string {
	return m.stamp(t) + " " + zone(t)
}

// zone is "UTC" or "UTC±hh:mm".
func zone(t time.Time) string {
	if _, off := t.Zone(); off == 0 {
		return "UTC"
	}
	return "UTC" + t.Format("-07:00")
}

// date formats t as YYYY-MM-DD in loc, or "" for the zero time. Both
// languages use ISO 8601 dates in tables: they sort, and Chinese readers
// read them as readily as 年月日.
func date(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.DateOnly)
}

// days formats a duration in days with one decimal; "" for zero, which
// the metrics use for "none".
func days(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatFloat(d.Hours()/24, 'f', 1, 64)
}

// percent formats a ratio from 0 to 1 as a percentage with one decimal;
// "" for nil, which the metrics use for "nothing decided".
func percent(c *float64) string {
	if c == nil {
		return ""
	}
	return strconv.FormatFloat(*c*100, 'f', 1, 64)
}

// bucket returns the metrics of priority p, zero if the caller's Metrics
// lacks them.
func bucket(m finding.Metrics, p risk.Priority) finding.Bucket {
	return m.ByPriority[p]
}
