package api

import (
	"encoding/json"
	"testing"
)

// FuzzOSVQuery: whatever a caller sends as a query is refused or turned
// into a package to match, never a panic.
func FuzzOSVQuery(f *testing.F) {
	for _, s := range []string{
		`{"package":{"ecosystem":"Go","name":"golang.org/x/text"},"version":"0.3.5"}`,
		`{"package":{"purl":"pkg:cargo/smallvec@0.6.9"},"page_token":"Q1ZFLTIwMjEtMzg1NjE"}`,
		`{"commit":"6879efc2c1596d11a6a6ad296f80063b558d5e0f"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var q osvQuery
		if json.Unmarshal(b, &q) != nil {
			return
		}
		a, err := osvAskOf("", q)
		if err == nil && (a.c.Ecosystem == "" || a.c.Name == "") {
			t.Fatalf("accepted %s as %+v", b, a.c)
		}
	})
}
