package stix_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/TcM1911/stix2"

	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
	"github.com/vmc-dev/vmc/internal/publish/stix"
)

// TestGolden writes the example "shop" document at each level: golden
// files, valid against the OASIS schemas, readable by a STIX library
// nobody here wrote, with what the level allows.
func TestGolden(t *testing.T) {
	schema := publishtest.STIXSchema(t)
	for _, l := range publish.Levels {
		d := publishtest.Load(t, "shop")
		d.Level = l
		b, err := stix.Marshal(d)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		publishtest.Golden(t, filepath.Join("testdata", "shop-"+string(l)+".json"), b)
		if err := schema(b); err != nil {
			t.Errorf("%s: schema: %v", l, err)
		}
		c, err := stix2.FromJSON(b)
		if err != nil {
			t.Fatalf("%s: stix2: %v", l, err)
		}
		vs := c.Vulnerabilities()
		if len(vs) != 1 || vs[0].Name != "ACME-SA-2026-0007" {
			t.Fatalf("%s: vulnerabilities %+v", l, vs)
		}
		var cve string
		for _, r := range vs[0].ExternalReferences {
			if r.Name == "cve" {
				cve = r.ExternalID
			}
		}
		if cve != "CVE-2026-41234" {
			t.Errorf("%s: cve reference %q", l, cve)
		}
		if len(c.AllSoftware()) != 2 || len(c.Relationships()) < 2 || len(c.CourseOfActions()) == 0 {
			t.Errorf("%s: %d software, %d relationships, %d courses of action", l, len(c.AllSoftware()), len(c.Relationships()), len(c.CourseOfActions()))
		}
	}
}

// The schema check is no formality: a vulnerability without its name
// fails it.
func TestSchemaRejects(t *testing.T) {
	b, err := stix.Marshal(publishtest.Load(t, "shop"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), `"name": "ACME-SA-2026-0007"`, `"nom": "ACME-SA-2026-0007"`, 1)
	if err := publishtest.STIXSchema(t)([]byte(bad)); err == nil {
		t.Error("a vulnerability without a name passed the schema")
	}
}

func TestRefuses(t *testing.T) {
	d := publishtest.Load(t, "appliance")
	if _, err := stix.Marshal(d); !errors.Is(err, publish.ErrInvalid) || !strings.Contains(err.Error(), "AMBER+STRICT") {
		t.Errorf("AMBER+STRICT: %v", err)
	}
	d.TLP = "AMBER"
	if _, err := stix.Marshal(d); err != nil {
		t.Errorf("AMBER: %v", err)
	}
}

// TestCheck holds the cross-field checks to bundles that break them.
func TestCheck(t *testing.T) {
	for _, tc := range []struct{ name, bundle, want string }{
		{"modified before created", `{"type":"bundle","objects":[{"type":"identity","id":"identity--1","created":"2026-01-02T00:00:00Z","modified":"2026-01-01T00:00:00Z"}]}`, "before created"},
		{"dangling reference", `{"type":"bundle","objects":[{"type":"vulnerability","id":"vulnerability--1","created_by_ref":"identity--2"}]}`, "does not hold"},
		{"duplicate id", `{"type":"bundle","objects":[{"type":"software","id":"software--1"},{"type":"software","id":"software--1"}]}`, "twice"},
		{"id of another type", `{"type":"bundle","objects":[{"type":"software","id":"identity--1"}]}`, "not of type"},
		{"local time", `{"type":"bundle","objects":[{"type":"identity","id":"identity--1","created":"2026-01-02T00:00:00+08:00"}]}`, "UTC"},
		{"not a bundle", `{"type":"identity"}`, "type"},
	} {
		if err := stix.Check([]byte(tc.bundle)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// FuzzCheck: bundles from peers go through Check; it never panics.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"identity","id":"identity--1","created":"2026-01-02T00:00:00Z","modified":"2026-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"x","id":""}]}`))
	if b, err := os.ReadFile(filepath.Join("testdata", "shop-full.json")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = stix.Check(b)
	})
}
