package incident

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestImpactValidate(t *testing.T) {
	ok := func() Impact {
		return Impact{DowntimeMinutes: 36 * 60, DirectCost: &Money{Amount: 125000, Currency: "CNY"}, PersonHours: 42.5,
			LongTermCost: &Estimate{Money: Money{Amount: 500000, Currency: "CNY"}, Note: "PIPL fine range; two enterprise customers at risk"}}
	}
	for _, tc := range []struct {
		name string
		edit func(*Impact)
		err  string
	}{
		{"valid", func(*Impact) {}, ""},
		{"nothing known yet", func(im *Impact) { *im = Impact{} }, ""},
		{"negative downtime", func(im *Impact) { im.DowntimeMinutes = -5 }, "impact.downtime_minutes: -5 is not between 0 and"},
		{"downtime of a century", func(im *Impact) { im.DowntimeMinutes = 100 * 366 * 24 * 60 }, "impact.downtime_minutes:"},
		{"NaN hours", func(im *Impact) { im.PersonHours = math.NaN() }, "impact.person_hours: NaN"},
		{"negative hours", func(im *Impact) { im.PersonHours = -1 }, "impact.person_hours: -1"},
		{"infinite cost", func(im *Impact) { im.DirectCost.Amount = math.Inf(1) }, "impact.direct_cost.amount: +Inf"},
		{"negative cost", func(im *Impact) { im.DirectCost.Amount = -0.01 }, "impact.direct_cost.amount: -0.01"},
		{"lower-case currency", func(im *Impact) { im.DirectCost.Currency = "cny" }, `impact.direct_cost.currency: "cny" is not an ISO 4217 code`},
		{"no currency", func(im *Impact) { im.LongTermCost.Currency = "" }, `impact.long_term_cost.currency: "" is not an ISO 4217 code`},
		{"a symbol for a currency", func(im *Impact) { im.DirectCost.Currency = "¥" }, "impact.direct_cost.currency"},
		{"long note", func(im *Impact) { im.LongTermCost.Note = strings.Repeat("n", 4<<10+1) }, "impact.long_term_cost.note: longer than 4 KiB"},
		{"note not UTF-8", func(im *Impact) { im.LongTermCost.Note = "\xff" }, "impact.long_term_cost.note"},
	} {
		im := ok()
		tc.edit(&im)
		err := im.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	im := ok()
	if got, want := im.String(), "downtime 36h0m0s, direct cost 125000 CNY, 42.5 person-hours, long-term cost 500000 CNY (PIPL fine range; two enterprise customers at risk)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	var none *Impact
	if got := none.String(); got != "none recorded" {
		t.Errorf("nil: %q", got)
	}
	if got := (&Impact{}).String(); got != "downtime 0s, direct cost -, 0 person-hours, long-term cost -" {
		t.Errorf("zero: %q", got)
	}
}
