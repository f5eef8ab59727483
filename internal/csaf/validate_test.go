package csaf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// TestFormatGolden pins the human-readable report of a document that fails
// tests of every kind: testdata/report.json → testdata/report.golden. Run
// with -update to rewrite it.
func TestFormatGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/report.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Validate(data)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := res.Format(&got, "report.json"); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/report.golden"
	if *feedtest.Update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", golden, diff)
	}
	if res.Valid() {
		t.Error("Valid() = true for a document with mandatory findings")
	}
}

func TestValidateInput(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    []byte
		wantErr error
		wantMsg string
	}{
		{name: "empty", data: nil, wantErr: ErrNotJSON, wantMsg: "csaf: not a JSON document: EOF"},
		{name: "not JSON", data: []byte("<csaf/>"), wantErr: ErrNotJSON, wantMsg: "csaf: not a JSON document: invalid character '<' looking for beginning of value"},
		{name: "trailing data", data: []byte(`{"document":{}} {}`), wantErr: ErrNotJSON, wantMsg: "csaf: not a JSON document: data after the top-level value, which ends at offset 15"},
		{name: "truncated", data: []byte(`{"document":`), wantErr: ErrNotJSON, wantMsg: "csaf: not a JSON document: unexpected EOF"},
		{name: "too large", data: bytes.Repeat([]byte(" "), MaxSize+1), wantErr: ErrTooLarge, wantMsg: "csaf: document too large: 67108865 bytes, the limit is 67108864"},
		{name: "array is JSON", data: []byte(`[]`)},
		{name: "object", data: []byte(`{}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Validate(tc.data)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Validate error = %v, want %v", err, tc.wantErr)
			}
			if err != nil && err.Error() != tc.wantMsg {
				t.Errorf("message = %q, want %q", err.Error(), tc.wantMsg)
			}
		})
	}
}

// TestSchemaFindings checks the schema's findings on small documents: where
// they point and what they say.
func TestSchemaFindings(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		want []Finding
	}{
		{
			name: "not an object",
			doc:  `[]`,
			want: []Finding{{Test: "schema", Path: "$", Message: "got array, want object", Severity: Error}},
		},
		{
			name: "missing document",
			doc:  `{}`,
			want: []Finding{{Test: "schema", Path: "$", Message: "missing property 'document'", Severity: Error}},
		},
		{
			name: "date-time without offset",
			doc: `{"document":{"category":"csaf_base","csaf_version":"2.0","publisher":{"category":"other","name":"n","namespace":"https://example.com"},"title":"t",
				"tracking":{"current_release_date":"2024-01-01T00:00:00.000","id":"X","initial_release_date":"2024-01-01T00:00:00Z",
				"revision_history":[{"date":"2024-01-01T00:00:00Z","number":"1","summary":"s"}],"status":"final","version":"1"}}}`,
			want: []Finding{{Test: "schema", Path: "$.document.tracking.current_release_date", Message: "'2024-01-01T00:00:00.000' is not valid date-time: invalid time element: offset must be 6 characters long", Severity: Error}},
		},
		{
			name: "relative namespace URL",
			doc: `{"document":{"category":"csaf_base","csaf_version":"2.0","publisher":{"category":"other","name":"n","namespace":"example.com"},"title":"t",
				"tracking":{"current_release_date":"2024-01-01T00:00:00Z","id":"X","initial_release_date":"2024-01-01T00:00:00Z",
				"revision_history":[{"date":"2024-01-01T00:00:00Z","number":"1","summary":"s"}],"status":"final","version":"1"}}}`,
			want: []Finding{{Test: "schema", Path: "$.document.publisher.namespace", Message: "'example.com' is not valid uri: relative url", Severity: Error}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Validate([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			var got []Finding
			for _, f := range res.Findings {
				if f.Test == "schema" {
					got = append(got, f)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("schema findings (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzValidate feeds arbitrary bytes to Validate, seeded with the golden
// document and, where the corpus is present, the OASIS test documents.
// Validate must not panic; an error must be one of its two sentinels; every
// finding must name a test and a path; and Format must succeed.
func FuzzValidate(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	more, _ := filepath.Glob(filepath.Join(sharedData(f, "csaf/validator-tests"), "*", "*.json"))
	seeds = append(seeds, more...)
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Validate(data)
		if err != nil {
			if !errors.Is(err, ErrNotJSON) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error wraps neither sentinel: %v", err)
			}
			return
		}
		invalid := false
		for _, fd := range res.Findings {
			if fd.Test == "" || !strings.HasPrefix(fd.Path, "$") || fd.Message == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
			if fd.Severity != severityOf(fd.Test) {
				t.Fatalf("finding %+v has the wrong severity", fd)
			}
			invalid = invalid || fd.Severity == Error
		}
		if res.Valid() == invalid {
			t.Fatalf("Valid() = %v with findings %+v", res.Valid(), res.Findings)
		}
		if err := res.Format(&bytes.Buffer{}, "fuzz.json"); err != nil {
			t.Fatal(err)
		}
	})
}
