package stix

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

func TestParseBad(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not json", `{`, "unexpected end"},
		{"an array", `[]`, "cannot unmarshal array"},
		{"bad type", `{"type":"Indicator","id":"Indicator--6770298f-0fd8-471a-ab8c-1c658a46574e"}`, `type: malformed "Indicator"`},
		{"id of another type", `{"type":"indicator","id":"malware--6770298f-0fd8-471a-ab8c-1c658a46574e"}`, "id: not indicator--UUID"},
		{"id without uuid", `{"type":"indicator","id":"indicator--1"}`, "id: not indicator--UUID"},
		{"spec version", `{"type":"indicator","id":"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e","spec_version":"3.0"}`, `spec_version: unknown "3.0"`},
		{"local time", `{"type":"indicator","id":"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e","created":"2016-01-01T00:00:00+08:00"}`, "created:"},
		{"modified before created", `{"type":"indicator","id":"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e","created":"2016-01-02T00:00:00Z","modified":"2016-01-01T00:00:00Z"}`, "modified: 2016-01-01T00:00:00Z is before created"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrInvalid naming %q", tc.name, err, tc.want)
		}
	}
}

func TestObjectsBad(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"no objects", `{"type":"bundle"}`, "no objects array"},
		{"objects not an array", `{"objects":{}}`, "objects: not an array"},
		{"bad object", `{"objects":[{"type":"x"}]}`, "doc.json: objects[0]:"},
		{"truncated", `{"objects":[{"type":"x"`, "doc.json:"},
	} {
		var errs []string
		for _, err := range Objects("doc.json", strings.NewReader(tc.in)) {
			if err != nil {
				errs = append(errs, err.Error())
			}
		}
		if len(errs) == 0 || !strings.Contains(errs[0], tc.want) {
			t.Errorf("%s: %v, want an error naming %q", tc.name, errs, tc.want)
		}
	}
}

// TestATTACK reads every object of MITRE ATT&CK for ICS.
func TestATTACK(t *testing.T) {
	f, err := os.Open(feedtest.SharedData(t, "stix/ics-attack.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, types := 0, map[string]int{}
	for o, err := range Objects("ics-attack.json", f) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		types[o.Type]++
	}
	if n < 1800 || types["attack-pattern"] == 0 || types["relationship"] == 0 || types["x-mitre-tactic"] == 0 {
		t.Errorf("%d objects: %v", n, types)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"type":"indicator","id":"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e","created":"2016-01-01T00:00:00.000Z","modified":"2016-01-02T00:00:00Z"}`))
	f.Add([]byte(`{"objects":[{"type":"x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if o, err := Parse(b); err == nil {
			if _, err := Parse(o.Raw); err != nil {
				t.Fatalf("parses once, not twice: %v", err)
			}
		}
		for range Objects("fuzz", strings.NewReader(string(b))) {
		}
	})
}
