package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestJSONPath(t *testing.T) {
	// GO-2020-0001, cut down, with one value of the wrong type per case.
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"top-level field", `{"id": 7, "summary": "x"}`, "id"},
		{"nested in arrays", `{"id": "GO-2020-0001", "affected": [{"package": {"name": "gin"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": 1.6}]}]}]}`, "affected[0].ranges[0].events[1].fixed"},
		{"second element", `{"aliases": ["CVE-2020-36567", 5]}`, "aliases[1]"},
		{"object where a string belongs", `{"id": "GO-2020-0001", "details": {"text": "x"}}`, "details"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v struct {
				ID       string   `json:"id"`
				Summary  string   `json:"summary"`
				Details  string   `json:"details"`
				Aliases  []string `json:"aliases"`
				Affected []struct {
					Package struct{ Name string } `json:"package"`
					Ranges  []struct {
						Type   string              `json:"type"`
						Events []map[string]string `json:"events"`
					} `json:"ranges"`
				} `json:"affected"`
			}
			err := json.Unmarshal([]byte(tc.doc), &v)
			var te *json.UnmarshalTypeError
			if !errors.As(err, &te) {
				t.Fatalf("no type error: %v", err)
			}
			if got := JSONPath([]byte(tc.doc), te.Offset); got != tc.want {
				t.Errorf("JSONPath = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestJSONKind(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{"", "string"}, {0.5, "number"}, {int64(1), "number"}, {true, "boolean"},
		{[]string{}, "array"}, {map[string]int{}, "object"}, {struct{}{}, "object"}, {new(string), "string"},
	} {
		if got := JSONKind(reflect.TypeOf(tc.v)); got != tc.want {
			t.Errorf("JSONKind(%T) = %s, want %s", tc.v, got, tc.want)
		}
	}
	if got := JSONKind(nil); got != "another type" {
		t.Errorf("JSONKind(nil) = %s", got)
	}
}

func TestJSONPathOffsets(t *testing.T) {
	doc := []byte(`{"a": {"b": [1, {"c": "x", "d": [true, null]}], "e": "y"}}`)
	tests := []struct {
		at   string // the value whose end (scalar) or opening (composite) is the offset
		want string
	}{
		{`1`, "a.b[0]"},
		{`{"c"`, "a.b[1]"},
		{`"x"`, "a.b[1].c"},
		{`null`, "a.b[1].d[1]"},
		{`"y"`, "a.e"},
	}
	for _, tt := range tests {
		i := bytes.Index(doc, []byte(tt.at))
		off := int64(i + len(tt.at))
		if tt.at[0] == '{' {
			off = int64(i + 1)
		}
		if got := JSONPath(doc, off); got != tt.want {
			t.Errorf("JSONPath(%s) = %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestTopKeys(t *testing.T) {
	tests := []struct {
		head string
		want []string
	}{
		{`{"id": "GO-2020-0001", "modified": "x", "affected": [{"package": {"name": "gin"}}]}`, []string{"id", "modified", "affected"}},
		// vuls-data-update's JVN output: "id" only inside references.
		{`{"about": "u", "identifier": "JVNDB-2023-004814", "references": [{"id": "CVE-2023-0078"}], "modified": "2023"}`, []string{"about", "identifier", "references", "modified"}},
		{`[{"id": "A-1", "details": {"x": 1}}, {"id": "B-2"}]`, []string{"id", "details"}},
		{`{"id": "GO-2020-0001", "details": "cut off in the midd`, []string{"id", "details"}},
		{`"just a string"`, nil},
		{``, nil},
	}
	for _, tc := range tests {
		if got := TopKeys([]byte(tc.head)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("TopKeys(%s) = %q, want %q", tc.head, got, tc.want)
		}
	}
}
