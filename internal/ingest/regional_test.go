package ingest_test

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// extract copies one entry of a zip in the shared corpus to dir.
func extract(t *testing.T, zipRel, entry, dir string) string {
	t.Helper()
	zr, err := zip.OpenReader(feedtest.SharedData(t, zipRel))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open(entry)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := filepath.Join(dir, filepath.Base(entry))
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := io.Copy(w, f); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCNVDJoinsCVE: CNVD's weekly file 1476.xml publishes CNVD-2023-96086
// citing CVE-2023-4883, which the CVE list carries too. Imported together
// they are one vulnerability, with the Chinese description from CNVD and
// the English one from the CVE record, each with its source.
func TestCNVDJoinsCVE(t *testing.T) {
	dir := t.TempDir()
	weekly := extract(t, "cnvd/cnvd.zip", "1476.xml", dir)
	cve := extract(t, "cve5/cves.zip", "cves/2023/4xxx/CVE-2023-4883.json", dir)

	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := (&ingest.Importer{Store: s, Sources: ingest.Sources()}).Import(context.Background(), weekly, cve)
	if err != nil || rep.Rejected != 0 {
		t.Fatalf("import: %v, %+v", err, rep.Errors)
	}
	v, err := s.Vuln(context.Background(), "CNVD-2023-96086", store.VulnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != "CVE-2023-4883" {
		t.Errorf("CNVD-2023-96086 is part of %s, want CVE-2023-4883", v.ID)
	}
	for lang, source := range map[string]string{"zh-CN": "cnvd", "en": "cve5"} {
		fv, ok := v.Field(advisory.FieldDescription, lang)
		if !ok || fv.Chosen().Source != source {
			t.Errorf("description[%s]: present %v, from %+v; want from %s", lang, ok, fv.Claims, source)
		}
	}
	var sources []string
	for _, src := range v.Sources {
		sources = append(sources, src.Source+":"+src.Record)
	}
	if len(sources) != 2 || sources[0] != "cve5:CVE-2023-4883" || sources[1] != "cnvd:CNVD-2023-96086" {
		t.Errorf("sources %v, want the CVE record then the CNVD entry", sources)
	}
	zh, _ := v.Text(advisory.FieldTitle, "zh-CN")
	t.Logf("%s: %s / zh-CN title %q", v.ID, sources, zh.Value)

	// The CVE source disappears (every cve5 record retired, as a snapshot
	// without them would do): the vulnerability stays, still reachable by
	// its CVE id, carried by CNVD alone.
	if _, err := s.RetireMissing(context.Background(), "cve5", nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	v, err = s.Vuln(context.Background(), "CVE-2023-4883", store.VulnOptions{})
	if err != nil {
		t.Fatalf("after the CVE source went: %v", err)
	}
	if d, ok := v.Text(advisory.FieldDescription, "en", "zh-CN"); !ok || d.Lang != "zh-CN" {
		t.Errorf("after the CVE source went: description %+v, want CNVD's", d)
	}
	if sum := v.Summary(); len(sum.Titles) == 0 || sum.Rating == "" {
		t.Errorf("after the CVE source went: summary %+v has no title or rating", sum)
	}
}
