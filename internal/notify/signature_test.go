package notify

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	secret := []byte("whsec_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	other := []byte("whsec_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
	body := []byte(`{"delivery":42,"kind":"briefing","text":"攻击者已被隔离"}`)
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	good := Sign(secret, now, body)
	v1 := strings.SplitN(good, ",", 2)[1]
	for _, tc := range []struct {
		name   string
		header string
		body   []byte
		at     time.Time
		err    string
	}{
		{"as signed", good, body, now, ""},
		{"received 4 minutes later", good, body, now.Add(4 * time.Minute), ""},
		{"received 5 minutes later", good, body, now.Add(Tolerance), ""},
		{"received with the receiver's clock 4 minutes behind", good, body, now.Add(-4 * time.Minute), ""},
		{"two signatures, the second good", "t=" + ts(now) + ",v1=" + strings.Repeat("00", 32) + "," + v1, body, now, ""},
		{"a scheme it does not know", good + ",v2=whatever", body, now, ""},
		{"spaces after commas", strings.ReplaceAll(good, ",", ", "), body, now, ""},

		{"tampered body", good, []byte(`{"delivery":42,"kind":"briefing","text":"all clear"}`), now, "no signature matches the body"},
		{"body with a byte added", good, append(body, ' '), now, "no signature matches"},
		{"replayed 6 minutes later", good, body, now.Add(6 * time.Minute), "signed 360 s ago, more than 5m0s: a replay"},
		{"replayed a day later", good, body, now.Add(24 * time.Hour), "a replay"},
		{"dated 6 minutes ahead", good, body, now.Add(-6 * time.Minute), "signed 360 s in the future"},
		{"another secret", Sign(other, now, body), body, now, "no signature matches"},
		{"timestamp changed, signature kept", "t=" + ts(now.Add(time.Second)) + "," + v1, body, now, "no signature matches"},
		{"no timestamp", v1, body, now, "no timestamp"},
		{"no signature", "t=" + ts(now), body, now, "no v1 signature"},
		{"two timestamps", good + ",t=" + ts(now), body, now, "two timestamps"},
		{"timestamp with a sign", "t=+" + ts(now) + "," + v1, body, now, "is not Unix seconds"},
		{"timestamp with a leading zero", "t=0" + ts(now) + "," + v1, body, now, "is not Unix seconds"},
		{"negative timestamp", "t=-1," + v1, body, now, "is not Unix seconds"},
		{"huge timestamp", "t=9223372036854775807," + v1, body, now, "in the future"},
		{"short signature", "t=" + ts(now) + ",v1=abcd", body, now, "v1 is not a hex SHA-256 HMAC"},
		{"not hex", "t=" + ts(now) + ",v1=" + strings.Repeat("zz", 32), body, now, "v1 is not a hex"},
		{"not key=value", "t=" + ts(now) + ",v1", body, now, `"v1" is not key=value`},
		{"empty", "", body, now, `"" is not key=value`},
		{"long", good + strings.Repeat(",x=y", 300), body, now, "header longer than 1024 bytes"},
	} {
		err := Verify(secret, tc.header, tc.body, tc.at)
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrSignature) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func ts(t time.Time) string {
	return strings.TrimPrefix(strings.SplitN(Sign(nil, t, nil), ",", 2)[0], "t=")
}

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") || len(a) != len("whsec_")+43 {
		t.Errorf("secrets %q, %q", a, b)
	}
}

// FuzzVerify: whatever arrives in the header, Verify does not panic, and
// what Sign writes for a body verifies for that body only.
func FuzzVerify(f *testing.F) {
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	secret := []byte("whsec_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	f.Add(Sign(secret, now, []byte("{}")), []byte("{}"), int64(0))
	f.Add("t=1,v1=00", []byte(""), int64(-400))
	f.Add("v1=,t=,,==", []byte("x"), int64(1<<40))
	f.Fuzz(func(t *testing.T, header string, body []byte, skew int64) {
		// Within about three years of now: far enough for any clock.
		at := now.Add(time.Duration(skew%1e8) * time.Second)
		if err := Verify(secret, header, body, at); err == nil && !strings.Contains(header, "v1=") {
			t.Fatalf("verified without a signature: %q", header)
		}
		signed := Sign(secret, at, body)
		if err := Verify(secret, signed, body, at); err != nil {
			t.Fatalf("own signature %q: %v", signed, err)
		}
		if err := Verify(secret, signed, append(body, 'x'), at); err == nil {
			t.Fatalf("verified for another body: %q", signed)
		}
	})
}
