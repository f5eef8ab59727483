package asset

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		a    Asset
		want string
	}{
		{"host", Asset{Name: "web-01.prod", Kind: KindHost, Environment: EnvProd, Criticality: CritHigh, Exposure: ExpInternet}, ""},
		{"no name", Asset{Kind: KindHost}, "name: empty"},
		{"unknown kind", Asset{Name: "x", Kind: "server"}, `kind: unknown "server"`},
		{"unknown environment", Asset{Name: "x", Kind: KindImage, Environment: "production"}, `environment: unknown "production"`},
		{"unknown criticality", Asset{Name: "x", Kind: KindImage, Criticality: "extreme"}, `criticality: unknown "extreme"`},
		{"unknown exposure", Asset{Name: "x", Kind: KindImage, Exposure: "dmz"}, `exposure: unknown "dmz"`},
	}
	for _, tc := range tests {
		err := tc.a.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid)) {
			t.Errorf("%s: Validate() = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestVocabularyJSON(t *testing.T) {
	var a Asset
	if err := json.Unmarshal([]byte(`{"name":"x","kind":"image","environment":"prod"}`), &a); err != nil || a.Kind != KindImage {
		t.Errorf("known values: %+v, %v", a, err)
	}
	if err := json.Unmarshal([]byte(`{"name":"x","kind":"vm"}`), &a); err == nil || !strings.Contains(err.Error(), `unknown kind "vm"`) {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestDiff(t *testing.T) {
	// Real packages of the juice-shop v11.1.2 SBOM (CycloneDX examples).
	express := Component{Ecosystem: "npm", Name: "express", Version: "4.17.1"}
	jsonwebtoken := Component{Ecosystem: "npm", Name: "jsonwebtoken", Version: "0.4.0"}
	jsonwebtokenNew := Component{Ecosystem: "npm", Name: "jsonwebtoken", Version: "8.5.1"}
	old := []Component{express, jsonwebtoken, jsonwebtoken}
	new := []Component{express, jsonwebtokenNew}
	got := Diff(old, new)
	want := Change{Added: []Component{jsonwebtokenNew}, Removed: []Component{jsonwebtoken}, Kept: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff -want +got:\n%s", diff)
	}
	if len(old) != 3 || old[1].Version != jsonwebtoken.Version {
		t.Error("Diff changed its input")
	}
}

func TestComponentValidate(t *testing.T) {
	if err := (Component{Name: "express", Version: "4.17.1"}).Validate(); err == nil || !strings.Contains(err.Error(), "no ecosystem, purl or CPE") {
		t.Errorf("component with nothing to match by: %v", err)
	}
	if err := (Component{Name: "express", Version: "4.17.1", PURL: "pkg:npm/express@4.17.1"}).Validate(); err != nil {
		t.Errorf("component with a purl: %v", err)
	}
}
