package report

import (
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
	"github.com/vmc-dev/vmc/internal/risk"
)

var verb = regexp.MustCompile(`%[a-z%]`)

// TestMessages: every string exists in both languages, takes the same
// format verbs in the same order, and every priority, state and
// environment has a name.
func TestMessages(t *testing.T) {
	var walk func(ev, zv reflect.Value)
	walk = func(ev, zv reflect.Value) {
		for i := range ev.NumField() {
			f := ev.Type().Field(i)
			switch {
			case f.Anonymous && f.Type.Kind() == reflect.Struct:
				walk(ev.Field(i), zv.Field(i)) // the incident review's
				continue
			case f.Type.Kind() != reflect.String:
				continue
			}
			e, z := ev.Field(i).String(), zv.Field(i).String()
			if e == "" || z == "" {
				t.Errorf("%s: en %q, zh-CN %q: both must be set", f.Name, e, z)
			}
			if ve, vz := verb.FindAllString(e, -1), verb.FindAllString(z, -1); !slices.Equal(ve, vz) {
				t.Errorf("%s: en takes %v, zh-CN %v", f.Name, ve, vz)
			}
			// A text box cuts its text at maxCellRunes.
			if ne, nz := utf8.RuneCountInString(e), utf8.RuneCountInString(z); max(ne, nz) > maxCellRunes {
				t.Errorf("%s: en %d, zh-CN %d characters: a text box shows %d", f.Name, ne, nz, maxCellRunes)
			}
		}
	}
	walk(reflect.ValueOf(en), reflect.ValueOf(zhCN))
	for _, m := range []*messages{&en, &zhCN} {
		for _, p := range risk.Priorities {
			if m.PriorityNames[p] == "" {
				t.Errorf("no name for priority %s", p)
			}
		}
		for _, s := range finding.States {
			if m.StateNames[s] == "" {
				t.Errorf("no name for state %s", s)
			}
		}
		for _, e := range []asset.Environment{asset.EnvProd, asset.EnvStaging, asset.EnvTest, asset.EnvDev} {
			if m.EnvNames[e] == "" {
				t.Errorf("no name for environment %s", e)
			}
		}
		for _, c := range incident.Categories {
			if m.CategoryNames[c] == "" {
				t.Errorf("no name for incident category %s", c)
			}
		}
		for _, v := range incident.Severities {
			if m.SeverityNames[v] == "" {
				t.Errorf("no name for incident severity %s", v)
			}
		}
		for _, st := range incident.States {
			if m.IncidentState[st] == "" {
				t.Errorf("no name for incident state %s", st)
			}
		}
		for _, k := range (metrics.SAMM{}).List() {
			if m.SAMMNames[k.Key] == "" {
				t.Errorf("no name for SAMM metric %s", k.Key)
			}
		}
		for _, st := range []incident.State{incident.Triaged, incident.Contained, incident.Closed} {
			if m.StepNames[st] == "" {
				t.Errorf("no name for response step %s", st)
			}
		}
	}
}

func TestTimestamp(t *testing.T) {
	utc := time.Date(2026, 11, 23, 15, 4, 59, 0, time.UTC)
	// Asia/Shanghai without tzdata: Go would call it CST, which the
	// report must not print.
	shanghai := time.FixedZone("CST", 8*3600)
	newYork := time.FixedZone("EST", -5*3600)
	india := time.FixedZone("IST", 5*3600+1800)
	tests := []struct {
		name string
		lang Lang
		t    time.Time
		want string
	}{
		{"en UTC", English, utc, "23 Nov 2026 15:04 UTC"},
		{"zh-CN UTC", Chinese, utc, "2026年11月23日 15:04 UTC"},
		{"zh-CN Shanghai", Chinese, utc.In(shanghai), "2026年11月23日 23:04 UTC+08:00"},
		{"en New York", English, utc.In(newYork), "23 Nov 2026 10:04 UTC-05:00"},
		{"en India", English, utc.In(india), "23 Nov 2026 20:34 UTC+05:30"},
		{"zh-CN single digits", Chinese, time.Date(2027, 1, 5, 9, 7, 0, 0, time.UTC), "2027年1月5日 09:07 UTC"},
		{"en single digits", English, time.Date(2027, 1, 5, 9, 7, 0, 0, time.UTC), "5 Jan 2027 09:07 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := msgs(tt.lang).timestamp(tt.t); got != tt.want {
				t.Errorf("timestamp = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	half := 0.875
	zero := 0.0
	shanghai := time.FixedZone("", 8*3600)
	tests := []struct{ name, got, want string }{
		{"date", date(time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC), time.UTC), "2026-11-23"},
		{"date in zone", date(time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC), shanghai), "2026-11-24"},
		{"no date", date(time.Time{}, time.UTC), ""},
		{"days", days(36 * time.Hour), "1.5"},
		{"no days", days(0), ""},
		{"percent", percent(&half), "87.5"},
		{"zero percent", percent(&zero), "0.0"},
		{"no percent", percent(nil), ""},
		{"unknown priority", en.priority("urgent"), "urgent"},
		{"unknown state", zhCN.state("reopened"), "reopened"},
		{"default environment", zhCN.env(""), "默认（其他环境）"},
		{"unknown environment", en.env("qa"), "qa"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s: -want +got:\n%s", tt.name, diff)
		}
	}
}
