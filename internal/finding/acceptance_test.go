package finding

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var acceptNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// validAcceptance is granted an hour ago for 90 days.
func validAcceptance() Acceptance {
	return Acceptance{
		Requester:            "alice",
		Approver:             "bob",
		Reason:               "vendor patch due in Q3; the appliance cannot be upgraded before",
		CompensatingControls: "admin interface reachable only from the management VLAN",
		Granted:              acceptNow.Add(-time.Hour),
		Expires:              acceptNow.AddDate(0, 0, 90),
	}
}

func TestAcceptanceValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Acceptance)
		wantErr string // "" for valid
	}{
		{name: "valid", edit: func(*Acceptance) {}},
		{name: "exactly the maximum", edit: func(a *Acceptance) { a.Expires = a.Granted.Add(MaxAcceptance) }},
		{name: "no requester", edit: func(a *Acceptance) { a.Requester = "  " }, wantErr: "requester: empty"},
		{name: "no approver", edit: func(a *Acceptance) { a.Approver = "" }, wantErr: "approver: empty"},
		{name: "self-approved", edit: func(a *Acceptance) { a.Approver = "alice" }, wantErr: `approver: "alice" is the requester`},
		{name: "self-approved, case and spaces", edit: func(a *Acceptance) { a.Approver = " Alice\t" }, wantErr: `approver: "Alice" is the requester`},
		{name: "no reason", edit: func(a *Acceptance) { a.Reason = "\n" }, wantErr: "reason: empty"},
		{name: "reason too long", edit: func(a *Acceptance) { a.Reason = strings.Repeat("x", 4097) }, wantErr: "reason: longer than 4096 bytes"},
		{name: "no compensating controls", edit: func(a *Acceptance) { a.CompensatingControls = "" }, wantErr: "compensating_controls: empty"},
		{name: "approver name too long", edit: func(a *Acceptance) { a.Approver = strings.Repeat("b", 257) }, wantErr: "approver: longer than 256 bytes"},
		{name: "no grant time", edit: func(a *Acceptance) { a.Granted = time.Time{} }, wantErr: "granted: not set"},
		{name: "granted in the future", edit: func(a *Acceptance) { a.Granted = acceptNow.Add(time.Minute) }, wantErr: "granted: 2026-06-01T12:01:00Z is in the future"},
		{name: "already expired", edit: func(a *Acceptance) { a.Expires = acceptNow.Add(-time.Minute) }, wantErr: "expires: 2026-06-01T11:59:00Z is not in the future"},
		{name: "expires now", edit: func(a *Acceptance) { a.Expires = acceptNow }, wantErr: "expires: 2026-06-01T12:00:00Z is not in the future"},
		{name: "no expiry", edit: func(a *Acceptance) { a.Expires = time.Time{} }, wantErr: "expires: 0001-01-01T00:00:00Z is not in the future"},
		{name: "too long", edit: func(a *Acceptance) { a.Expires = a.Granted.Add(MaxAcceptance + time.Second) },
			wantErr: "expires: 2027-06-01T11:00:01Z is more than 365 days after granted 2026-06-01T11:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validAcceptance()
			tt.edit(&a)
			err := a.Validate(acceptNow)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrAcceptance) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want ErrAcceptance containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestAcceptanceExpired(t *testing.T) {
	a := validAcceptance()
	tests := []struct {
		name string
		a    Acceptance
		now  time.Time
		want bool
	}{
		{"running", a, acceptNow, false},
		{"last instant", a, a.Expires.Add(-time.Nanosecond), false},
		{"at expiry", a, a.Expires, true},
		{"after expiry", a, a.Expires.AddDate(0, 0, 1), true},
		{"no expiry recorded", Acceptance{}, acceptNow, true},
	}
	for _, tt := range tests {
		if got := tt.a.Expired(tt.now); got != tt.want {
			t.Errorf("%s: Expired(%s) = %v, want %v", tt.name, tt.now, got, tt.want)
		}
	}
}

func TestExpireAcceptance(t *testing.T) {
	a := validAcceptance() // expires 2026-08-30 12:00 UTC
	after := a.Expires.Add(time.Hour)
	tests := []struct {
		name   string
		state  State
		a      *Acceptance
		now    time.Time
		want   Step
		wantOK bool
	}{
		{name: "expired", state: RiskAccepted, a: &a, now: after, wantOK: true,
			want: Step{RiskAccepted, Triaged, "risk acceptance by alice approved by bob expired on 2026-08-30; re-opened"}},
		{name: "still running", state: RiskAccepted, a: &a, now: acceptNow},
		{name: "not accepted any more", state: InRemediation, a: &a, now: after},
		{name: "closed", state: Verified, a: &a, now: after},
		{name: "accepted without a record", state: RiskAccepted, a: nil, now: acceptNow, wantOK: true,
			want: Step{RiskAccepted, Triaged, "risk accepted without a recorded acceptance; re-opened"}},
		{name: "no record, not accepted", state: Triaged, a: nil, now: acceptNow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ExpireAcceptance(tt.state, tt.a, tt.now)
			if ok != tt.wantOK {
				t.Fatalf("ExpireAcceptance() ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ExpireAcceptance() (-want +got):\n%s", diff)
			}
			// The move it makes is one the lifecycle allows.
			if ok {
				if err := CheckMove(got.From, got.To); err != nil {
					t.Errorf("ExpireAcceptance() step: %v", err)
				}
			}
		})
	}
}
