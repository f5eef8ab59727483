package mirror

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/signing"
)

// fuzzLimits keep the fuzzer's inputs from spending its time on size.
var fuzzLimits = Limits{Manifest: 1 << 16, Batch: 1 << 16, Decompressed: 1 << 18, Line: 1 << 16, Batches: 64}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// FuzzParseBatch: a batch's bytes (after its hash matched, so as
// hostile as whoever signed the bundle) never panic the reader, and
// every entry it returns is one the importer can work out versions of.
func FuzzParseBatch(f *testing.F) {
	seen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := Entry{Source: "osv", Record: "GO-2020-0001", Modified: seen, Claims: []advisory.Claim{
		{Field: advisory.FieldAliases, Value: json.RawMessage(`["CVE-2020-36567","GHSA-6vm3-jj99-7229"]`), Provenance: advisory.Provenance{Seen: seen}},
		{Field: advisory.FieldDescription, Key: "en", Value: json.RawMessage(`"old"`), Provenance: advisory.Provenance{Seen: seen, Replaced: seen.Add(time.Hour)}},
		{Field: advisory.FieldDescription, Key: "en", Value: json.RawMessage(`"new"`), Provenance: advisory.Provenance{Seen: seen.Add(time.Hour)}},
		{Field: advisory.FieldReferences, Value: json.RawMessage(`[{"type":"WEB","url":"https://example.org/a"},{"type":"FIX","url":"https://example.org/a"}]`), Provenance: advisory.Provenance{Seen: seen}},
	}}
	line, _ := json.Marshal(e)
	f.Add(gz(append(line, '\n')))
	f.Add(gz([]byte("{}\n")))
	f.Add(gz([]byte(`{"source":"x","record":"y","claims":[{"field":"kev","value":{}}]}` + "\n")))
	f.Add([]byte("not gzip"))
	f.Fuzz(func(t *testing.T, body []byte) {
		entries, err := parseBatch("batches/000001.jsonl.gz", body, fuzzLimits)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		for _, e := range entries {
			// Versions may refuse a claim, but never panic.
			versions(e)
		}
	})
}

// FuzzOpen: whatever a bundle file holds, opening and reading it never
// panics, and nothing is returned unless the signature verified.
func FuzzOpen(f *testing.F) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	k, err := signing.Generate("fuzz", "", now)
	if err != nil {
		f.Fatal(err)
	}
	pub, _ := k.ArmoredPublic()
	v, _ := signing.ParseVerifier(pub)
	bw := newBatchWriter()
	bw.add(Entry{Source: "osv", Record: "GO-2020-0001", Claims: []advisory.Claim{{Field: advisory.FieldTitle, Key: "en", Value: json.RawMessage(`"t"`), Provenance: advisory.Provenance{Seen: now}}}})
	body, _ := bw.close()
	m := Manifest{Format: Format, Mark: now, Batches: []Batch{{Name: batchName(1), SHA256: sha256Hex(body), Size: int64(len(body)), Entries: 1}}}
	var good bytes.Buffer
	if err := writeBundle(&good, m, func(int) ([]byte, error) { return body, nil }, k, now); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte{})
	f.Add(good.Bytes()[:len(good.Bytes())/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Open(bytes.NewReader(b), v, fuzzLimits, now)
		if err != nil {
			return
		}
		for range 100 {
			if _, _, err := r.Next(nil); err != nil {
				if err != io.EOF && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTampered) {
					t.Fatalf("Next: %v wraps neither ErrFormat nor ErrTampered", err)
				}
				return
			}
		}
	})
}
