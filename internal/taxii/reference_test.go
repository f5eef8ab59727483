package taxii

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

func TestReadReference(t *testing.T) {
	f, err := os.Open(feedtest.SharedData(t, "stix/taxii/default_data.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	roots, err := ReadReference("default_data.json", f)
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) != 3 || roots[2].Root.Name != "trustgroup1" || len(roots[2].Collections) != 5 {
		t.Fatalf("roots %+v", roots)
	}
	hv := roots[2].Collections[2]
	if len(hv.Objects) != 8 || len(hv.DateAdded) != 8 {
		t.Fatalf("high value collection: %d objects", len(hv.Objects))
	}
	// The malware's 2018 version is STIX 2.0, as its manifest says.
	for _, o := range hv.Objects {
		if o.Modified == "2018-02-23T18:30:00.000Z" && o.SpecVersion != "2.0" {
			t.Errorf("%s@%s: spec version %s, want 2.0", o.ID, o.Modified, o.SpecVersion)
		}
	}
}

func TestReadReferenceBad(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not json", `[`, "invalid TAXII resource"},
		{"bad root name", `{"a b":{"information":{"title":"x"}}}`, `api root name: malformed "a b"`},
		{"bad collection id", `{"r":{"information":{"title":"x"},"collections":[{"id":"1","title":"t"}]}}`, "r.collections[0]: invalid TAXII resource: collection 1: id: not a UUID"},
		{"object not in manifest", `{"r":{"information":{"title":"x"},"collections":[{"id":"91a7b528-80eb-42ed-a74d-c6fbd5a26116","title":"t","objects":[{"type":"indicator","id":"indicator--cd981c25-8042-4166-8945-51178443bdac","created":"2014-05-08T09:00:00.000Z","modified":"2014-05-08T09:00:00.000Z"}]}]}}`, "not in the manifest"},
	} {
		_, err := ReadReference("d.json", strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || (!errors.Is(err, ErrInvalid) && !strings.Contains(tc.want, "manifest")) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func FuzzReadReference(f *testing.F) {
	f.Add([]byte(`{"r":{"information":{"title":"x"},"collections":[{"id":"91a7b528-80eb-42ed-a74d-c6fbd5a26116","title":"t"}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		roots, err := ReadReference("fuzz", strings.NewReader(string(b)))
		if err != nil {
			return
		}
		for _, r := range roots {
			for _, c := range r.Collections {
				if err := c.Collection.Validate(); err != nil || len(c.Objects) != len(c.DateAdded) {
					t.Fatalf("accepted an invalid collection: %v", err)
				}
			}
		}
	})
}
