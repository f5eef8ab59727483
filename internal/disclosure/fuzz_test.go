package disclosure

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzSubmission feeds the intake's validation what a hostile reporter
// might send. It must never panic; whatever it refuses is refused with
// field errors; whatever it takes is a valid report, takes the same
// report again from its own fields, and survives a JSON round trip
// (which the store relies on).
func FuzzSubmission(f *testing.F) {
	f.Add("Stored XSS in the admin console", "Steps:\r\n1. log in\r\n2. …", "shop-web", "2.4.0", "李雷", "lilei@example.cn", true, "", "zh-CN")
	f.Add("", "", "", "", "", "", false, "", "")
	f.Add("x\x1b]0;t\x07", "\xff", "shop\u202eweb", strings.Repeat("v", 201), "a\nb", "c", true, "", "fr")
	f.Add(" t ", "\r\r\n", "", "", "", "", true, "Anon", "en")
	now := time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, title, desc, product, version, name, contact string, credit bool, creditName, lang string) {
		s := Submission{Title: title, Description: desc, Product: product, Version: version, ReporterName: name,
			ReporterContact: contact, WantsCredit: credit, CreditName: creditName, Lang: lang}
		r, err := s.NewReport(now, DefaultPolicy, "VR-K7Q3-9XPA")
		if err != nil {
			if !errors.Is(err, ErrInvalid) || len(FieldErrors(err)) == 0 {
				t.Fatalf("refused without field errors: %v", err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("took an invalid report: %v", err)
		}
		again, err := r.fields().NewReport(now, DefaultPolicy, r.Code)
		if err != nil || !cmp.Equal(r, again) {
			t.Fatalf("normalising twice changed it: %v\n%s", err, cmp.Diff(r, again))
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back Report
		if err := json.Unmarshal(b, &back); err != nil || !cmp.Equal(r, back) {
			t.Fatalf("JSON round trip: %v\n%s", err, cmp.Diff(r, back))
		}
	})
}
