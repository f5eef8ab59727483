package rules

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSyncFailure(t *testing.T) {
	started := time.Date(2026, 11, 23, 21, 0, 0, 5, time.FixedZone("CST", 8*3600))
	long := strings.Repeat("服务器错误", 500) // 7,500 bytes, cut inside a character
	for _, tc := range []struct {
		name    string
		err     error
		wantErr string
		maxLen  int
	}{
		{"short", errors.New("GET https://www.cisa.gov/kev.json: 503 Service Unavailable"), "GET https://www.cisa.gov/kev.json: 503 Service Unavailable", 100},
		{"long, cut at a character", errors.New(long), "", maxSyncError + len("…")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := SyncFailure("kev", started, tc.err)
			if e.Kind != SyncFailed || e.Object != "feed:kev" || e.Env.Sync.Source != "kev" || !e.Env.Sync.Started.Equal(started) {
				t.Errorf("event %+v", e)
			}
			if e.Key != "sync.failed:kev:2026-11-23T13:00:00.000000005Z" {
				t.Errorf("key %q: want the source and the run's start in UTC", e.Key)
			}
			got := e.Env.Sync.Error
			if tc.wantErr != "" && got != tc.wantErr {
				t.Errorf("error %q, want %q", got, tc.wantErr)
			}
			if len(got) > tc.maxLen || !utf8.ValidString(got) {
				t.Errorf("error of %d bytes (at most %d), valid UTF-8 %v", len(got), tc.maxLen, utf8.ValidString(got))
			}
		})
	}
	if a, b := SyncFailure("kev", started, errors.New("x")), SyncFailure("kev", started.Add(time.Hour), errors.New("x")); a.Key == b.Key {
		t.Errorf("two runs share the key %q", a.Key)
	}
}

func TestDeadlineKey(t *testing.T) {
	due := time.Date(2026, 7, 1, 23, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, tc := range []struct {
		got, want string
	}{
		{DeadlineKey(ReviewOverdue, "review:process", due), "review.overdue:review:process:2026-07-01"},
		{DeadlineKey(AuditDue, "audit-plan:3", due), "audit.due:audit-plan:3:2026-07-01"},
		{SLAKey(SLABreached, 7, due), "sla.breached:finding:7:2026-07-01"},
		{DeadlineKey(ReviewOverdue, "review:process", time.Time{}), "review.overdue:review:process:0001-01-01"},
	} {
		if tc.got != tc.want {
			t.Errorf("key %q, want %q", tc.got, tc.want)
		}
	}
}
