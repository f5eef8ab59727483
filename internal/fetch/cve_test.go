package fetch

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// cvelistZips writes, into dir, assets shaped like a cvelistV5 release
// but small enough for a test, made of the corpus's real records: the
// baseline (a zip holding cves.zip of the first 200 records of the
// corpus's cves.zip) and a delta (the next 20, under deltaCves/). It
// returns the paths of the baseline, its inner cves.zip and the delta.
func cvelistZips(t *testing.T, dir string) (baseline, inner, delta string) {
	t.Helper()
	zr, err := zip.OpenReader(feedtest.SharedData(t, "cve5/cves.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var records []*zip.File
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".json") && strings.HasPrefix(path.Base(f.Name), "CVE-") {
			records = append(records, f)
			if len(records) == 220 {
				break
			}
		}
	}
	write := func(name string, add func(*zip.Writer)) string {
		p := filepath.Join(dir, name)
		out, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(out)
		add(zw)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Records are copied compressed, as they are: no re-encoding.
	copyRaw := func(zw *zip.Writer, f *zip.File, name string) {
		h := f.FileHeader
		h.Name = name
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
	}
	inner = write("cves.zip", func(zw *zip.Writer) {
		for _, f := range records[:200] {
			copyRaw(zw, f, f.Name)
		}
	})
	baseline = write("baseline.zip.zip", func(zw *zip.Writer) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "cves.zip", Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(inner)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	})
	delta = write("delta.zip", func(zw *zip.Writer) {
		for _, f := range records[200:] {
			copyRaw(zw, f, "deltaCves/"+path.Base(f.Name))
		}
	})
	return baseline, inner, delta
}

// release is the part of GitHub's "get the latest release" answer that
// the CVE source reads, listing assets served by srv.
func release(srvURL, tag string, assets ...string) []byte {
	type asset struct {
		Name string `json:"name"`
		URL  string `json:"browser_download_url"`
	}
	rel := struct {
		TagName string  `json:"tag_name"`
		Assets  []asset `json:"assets"`
	}{TagName: tag}
	for _, a := range assets {
		rel.Assets = append(rel.Assets, asset{a, srvURL + "/download/" + tag + "/" + a})
	}
	b, _ := json.Marshal(rel)
	return b
}

func zipNames(t *testing.T, p string) []string {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}

func TestCVE(t *testing.T) {
	baseline, inner, delta := cvelistZips(t, t.TempDir())
	var (
		mu  sync.Mutex
		rel []byte
		h   hits
	)
	setRelease := func(b []byte) {
		mu.Lock()
		defer mu.Unlock()
		rel = b
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/repos/CVEProject/cvelistV5/releases/latest", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != "application/vnd.github+json" {
			http.Error(w, "want the GitHub media type", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		w.Write(rel)
	})
	// Every asset URL is served whatever its tag, as GitHub serves each
	// release's copy.
	mux.HandleFunc("/download/", func(w http.ResponseWriter, r *http.Request) {
		switch name := path.Base(r.URL.Path); {
		case strings.HasSuffix(name, baselineSuffix):
			served{path: baseline}.ServeHTTP(w, r)
		case strings.Contains(name, deltaInfix):
			served{path: delta}.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(h.wrap(mux))
	defer srv.Close()
	dir := t.TempDir()
	src := &CVE{Client: quick, Dir: dir, ReleaseURL: srv.URL + "/repos/CVEProject/cvelistV5/releases/latest"}

	const day = "2024-10-24"
	steps := []struct {
		name    string
		release []byte
		want    []string // imported
		wantErr string
	}{{
		// The release made at midnight carries the previous day's last
		// delta, which the baseline already holds.
		name:    "midnight",
		release: release(srv.URL, "cve_2024-10-24_0000Z", day+baselineSuffix, "2024-10-23_delta_CVEs_at_end_of_day.zip"),
		want:    []string{"baseline.zip"},
	}, {
		name:    "first delta",
		release: release(srv.URL, "cve_2024-10-24_0100Z", day+baselineSuffix, day+"_delta_CVEs_at_0100Z.zip"),
		want:    []string{"delta.zip"},
	}, {
		name:    "same release",
		release: release(srv.URL, "cve_2024-10-24_0100Z", day+baselineSuffix, day+"_delta_CVEs_at_0100Z.zip"),
	}, {
		name:    "next delta",
		release: release(srv.URL, "cve_2024-10-24_0200Z", day+baselineSuffix, day+"_delta_CVEs_at_0200Z.zip"),
		want:    []string{"delta.zip"},
	}, {
		name:    "next day",
		release: release(srv.URL, "cve_2024-10-25_0100Z", "2024-10-25"+baselineSuffix, "2024-10-25_delta_CVEs_at_0100Z.zip"),
		want:    []string{"baseline.zip", "delta.zip"},
	}, {
		name:    "no baseline",
		release: release(srv.URL, "cve_2024-10-25_0200Z", "2024-10-25_delta_CVEs_at_0200Z.zip"),
		wantErr: `cve: release "cve_2024-10-25_0200Z" at ` + srv.URL + `/repos/CVEProject/cvelistV5/releases/latest: no asset named YYYY-MM-DD_all_CVEs_at_midnight.zip.zip`,
	}}
	for _, step := range steps {
		setRelease(step.release)
		im := &imports{}
		_, err := src.Sync(context.Background(), im.Import)
		if errString(err) != step.wantErr {
			t.Fatalf("%s: error %v, want %q", step.name, err, step.wantErr)
		}
		if diff := cmp.Diff(step.want, im.paths); diff != "" {
			t.Errorf("%s: imported (-want +got):\n%s", step.name, diff)
		}
	}
	// The baseline is unwrapped to the real cves.zip; the delta, a zip of
	// records, is kept as it is.
	sameFile(t, filepath.Join(dir, "baseline.zip"), inner)
	sameFile(t, filepath.Join(dir, "delta.zip"), delta)
	if n := len(zipNames(t, filepath.Join(dir, "baseline.zip"))); n != 200 {
		t.Errorf("baseline.zip holds %d entries, want 200", n)
	}
	if extra := leftovers(t, dir, "baseline.zip", "delta.zip", StateFile); extra != nil {
		t.Errorf("left in the cache: %v", extra)
	}
	if got := h.count("/download/cve_2024-10-24_0100Z/" + day + baselineSuffix); got != 0 {
		t.Errorf("the day's baseline was downloaded again from a later release (%d times)", got)
	}
}

// TestCVEConfiguredURLs fetches from fixed URLs, as from a mirror: whether
// they changed is the server's to say.
func TestCVEConfiguredURLs(t *testing.T) {
	baseline, inner, delta := cvelistZips(t, t.TempDir())
	mux := http.NewServeMux()
	mux.Handle("/mirror/all.zip.zip", served{path: baseline, etag: true})
	mux.Handle("/mirror/delta.zip", served{path: delta, etag: true})
	var h hits
	srv := httptest.NewServer(h.wrap(mux))
	defer srv.Close()
	dir := t.TempDir()
	src := &CVE{Client: quick, Dir: dir, FullURL: srv.URL + "/mirror/all.zip.zip"}
	steps := []struct {
		name      string
		deltaURL  string
		full      bool
		want      []string
		unchanged int
	}{
		{name: "baseline", want: []string{"baseline.zip"}},
		{name: "baseline unchanged", unchanged: 1},
		{name: "with delta", deltaURL: srv.URL + "/mirror/delta.zip", want: []string{"delta.zip"}, unchanged: 1},
		{name: "full", deltaURL: srv.URL + "/mirror/delta.zip", full: true, want: []string{"baseline.zip", "delta.zip"}},
	}
	for _, step := range steps {
		src.DeltaURL, src.Full = step.deltaURL, step.full
		im := &imports{}
		res, err := src.Sync(context.Background(), im.Import)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if diff := cmp.Diff(step.want, im.paths); diff != "" {
			t.Errorf("%s: imported (-want +got):\n%s", step.name, diff)
		}
		if len(res.Unchanged) != step.unchanged {
			t.Errorf("%s: unchanged %v, want %d", step.name, res.Unchanged, step.unchanged)
		}
	}
	sameFile(t, filepath.Join(dir, "baseline.zip"), inner)
	if h.count("/mirror/all.zip.zip") != 4 {
		t.Errorf("baseline requested %d times, want 4", h.count("/mirror/all.zip.zip"))
	}
}
