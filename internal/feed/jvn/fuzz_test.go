package jvn_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/jvn"
)

func seeds(f *testing.F) []string {
	files, err := filepath.Glob("testdata/*/*.rdf")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	return files
}

// FuzzParse: go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 15s ./internal/feed/jvn/
func FuzzParse(f *testing.F) {
	f.Add("xxe.rdf", []byte(`<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>`+rssLang("ja", item("JVNDB-2023-000001", "<title>&x;</title>"))))
	f.Add("small.rdf", []byte(vuldef(vulinfo("JVNDB-2022-000001", `<Impact><Cvss version="3.0"><Base>5</Base><Vector>CVSS:3.0/AV:N</Vector></Cvss></Impact>`))))
	feedtest.Fuzz(f, jvn.Parse, seeds(f)...)
}

// FuzzParseProducts checks that ParseProducts never panics, reports only
// format errors for bytes in memory, and yields only products with ids
// that survive a JSON round trip.
func FuzzParseProducts(f *testing.F) {
	for _, s := range seeds(f) {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for p, err := range jvn.ParseProducts(bytes.NewReader(data)) {
			if err != nil {
				if !errors.Is(err, feed.ErrFormat) {
					t.Errorf("error does not wrap feed.ErrFormat: %v", err)
				}
				continue
			}
			if p.Vid == "" || p.Pid == "" {
				t.Errorf("yielded %+v without an id", p)
			}
			b, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			var back jvn.Product
			if err := json.Unmarshal(b, &back); err != nil || back != p {
				t.Errorf("%+v changes in a JSON round trip: %+v, %v", p, back, err)
			}
		}
	})
}
