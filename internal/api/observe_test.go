package api

import (
	"regexp"
	"testing"
)

// FuzzRequestID: the id comes from any caller and goes into a response
// header, every log line and a URN. Whatever is sent, the id used is
// short and made of safe characters, and a safe id is kept as sent.
func FuzzRequestID(f *testing.F) {
	for _, s := range []string{"", "trace-7f3a.1", "a b", "x\r\nSet-Cookie: a=b", "urn:uuid:1", string(make([]byte, 200))} {
		f.Add(s)
	}
	safe := regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)
	f.Fuzz(func(t *testing.T, given string) {
		id := requestID(given)
		if !safe.MatchString(id) {
			t.Fatalf("requestID(%q) = %q", given, id)
		}
		if safe.MatchString(given) && id != given {
			t.Errorf("requestID(%q) = %q, want it kept", given, id)
		}
	})
}
