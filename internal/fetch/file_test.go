package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// TestOSV syncs the real Go and crates.io zips from a server that
// identifies them by ETag, then by Last-Modified only.
func TestOSV(t *testing.T) {
	for _, etag := range []bool{true, false} {
		name := "last-modified"
		if etag {
			name = "etag"
		}
		t.Run(name, func(t *testing.T) {
			goZip := feedtest.SharedData(t, "osv/Go/all.zip")
			cratesZip := feedtest.SharedData(t, "osv/crates.io/all.zip")
			mux := http.NewServeMux()
			mux.Handle("/bucket/Go/all.zip", served{path: goZip, etag: etag})
			mux.Handle("/bucket/crates.io/all.zip", served{path: cratesZip, etag: etag})
			var h hits
			srv := httptest.NewServer(h.wrap(mux))
			defer srv.Close()
			dir := t.TempDir()
			src := &OSV{Client: quick, Dir: dir, URL: srv.URL + "/bucket/", Ecosystems: []string{"Go", "crates.io"}}

			// A failed import leaves its zip to be fetched again.
			im := &imports{fail: map[string]error{"crates.io.zip": errors.New("store is down")}}
			_, err := src.Sync(context.Background(), im.Import)
			if want := "osv crates.io: import " + filepath.Join(dir, "crates.io.zip") + ": store is down"; err == nil || err.Error() != want {
				t.Fatalf("failed import: error %v, want %s", err, want)
			}

			im = &imports{}
			res, err := src.Sync(context.Background(), im.Import)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"crates.io.zip"}, im.paths); diff != "" {
				t.Errorf("imported after the failure (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{srv.URL + "/bucket/Go/all.zip"}, res.Unchanged); diff != "" {
				t.Errorf("unchanged after the failure (-want +got):\n%s", diff)
			}
			sameFile(t, filepath.Join(dir, "Go.zip"), goZip)
			sameFile(t, filepath.Join(dir, "crates.io.zip"), cratesZip)

			im = &imports{}
			res, err = src.Sync(context.Background(), im.Import)
			if err != nil {
				t.Fatal(err)
			}
			if len(im.paths) != 0 || len(res.Unchanged) != 2 || res.Bytes != 0 {
				t.Errorf("third sync imported %v, unchanged %v, %d bytes; want nothing imported, both unchanged", im.paths, res.Unchanged, res.Bytes)
			}

			src.Full = true
			im = &imports{}
			if _, err := src.Sync(context.Background(), im.Import); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"Go.zip", "crates.io.zip"}, im.paths); diff != "" {
				t.Errorf("full sync imported (-want +got):\n%s", diff)
			}
			if n := h.count("/bucket/Go/all.zip"); n != 4 {
				t.Errorf("Go/all.zip requested %d times, want 4", n)
			}
			if extra := leftovers(t, dir, "Go.zip", "crates.io.zip", StateFile); extra != nil {
				t.Errorf("left in the cache: %v", extra)
			}
		})
	}
}

func TestOSVEcosystemNames(t *testing.T) {
	tests := []struct {
		eco, file, wantErr string
	}{
		{eco: "crates.io", file: "crates.io"},
		{eco: "Debian:12", file: "Debian_12"},
		{eco: "Red Hat", file: "Red_Hat"},
		{eco: "../etc", wantErr: `ecosystem "../etc": not an osv.dev ecosystem name`},
		{eco: `a\b`, wantErr: `ecosystem "a\\b": not an osv.dev ecosystem name`},
		{eco: "..", wantErr: `ecosystem "..": not an osv.dev ecosystem name`},
		{eco: "", wantErr: `ecosystem "": not an osv.dev ecosystem name`},
	}
	for _, tt := range tests {
		err := checkEcosystem(tt.eco)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("checkEcosystem(%q) = %q, want %q", tt.eco, got, tt.wantErr)
		}
		if err == nil && fileName(tt.eco) != tt.file {
			t.Errorf("fileName(%q) = %q, want %q", tt.eco, fileName(tt.eco), tt.file)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestKEV(t *testing.T) {
	kev := feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.json")
	srv := httptest.NewServer(served{path: kev, etag: true})
	defer srv.Close()
	dir := t.TempDir()
	src := &KEV{Client: quick, Dir: dir, URL: srv.URL + "/feeds/known_exploited_vulnerabilities.json"}
	for i, want := range []int{1, 0} {
		im := &imports{}
		res, err := src.Sync(context.Background(), im.Import)
		if err != nil {
			t.Fatal(err)
		}
		if len(im.paths) != want || len(res.Files) != want || len(res.Unchanged) != 1-want {
			t.Errorf("sync %d: imported %v, result %+v; want %d imported", i+1, im.paths, res, want)
		}
	}
	sameFile(t, filepath.Join(dir, "known_exploited_vulnerabilities.json"), kev)
}

// TestEPSS serves the corpus's daily files under their real names.
func TestEPSS(t *testing.T) {
	fixtures := filepath.Dir(feedtest.SharedData(t, "epss/fixtures/epss_scores-2023-03-07.csv.gz"))
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(fixtures)))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	dir := t.TempDir()
	tests := []struct {
		name      string
		date, now string
		want      []string // imported
		unchanged int
		wantErr   string
	}{
		{name: "today", now: "2022-02-04", want: []string{"epss_scores-2022-02-04.csv.gz"}},
		{name: "today again", now: "2022-02-04", unchanged: 1},
		// The day's file is not out yet: yesterday's is the latest.
		{name: "yesterday", now: "2023-03-08", want: []string{"epss_scores-2023-03-07.csv.gz"}},
		{name: "given day", date: "2021-04-14", now: "2023-03-08", want: []string{"epss_scores-2021-04-14.csv.gz"}},
		{name: "given day missing", date: "2021-04-15", wantErr: "epss: GET " + srv.URL + "/epss_scores-2021-04-15.csv.gz: 404 Not Found"},
		{name: "neither today nor yesterday", now: "2024-01-01", wantErr: "epss: GET " + srv.URL + "/epss_scores-2023-12-31.csv.gz: 404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &EPSS{Client: quick, Dir: dir, URL: srv.URL}
			if tt.date != "" {
				src.Date = day(tt.date)
			}
			if tt.now != "" {
				now := day(tt.now).Add(9 * time.Hour)
				src.Now = func() time.Time { return now }
			}
			im := &imports{}
			res, err := src.Sync(context.Background(), im.Import)
			if errString(err) != tt.wantErr {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, im.paths); diff != "" {
				t.Errorf("imported (-want +got):\n%s", diff)
			}
			if len(res.Unchanged) != tt.unchanged {
				t.Errorf("unchanged %v, want %d", res.Unchanged, tt.unchanged)
			}
			if err != nil {
				return
			}
			// Only the latest day stays in the cache.
			files, _ := filepath.Glob(filepath.Join(dir, "epss_scores-*"))
			if len(files) != 1 {
				t.Errorf("cache holds %v, want one day", files)
			}
			st, err := LoadState(dir)
			if err != nil {
				t.Fatal(err)
			}
			for u := range st.Validators {
				if !strings.HasSuffix(u, filepath.Base(files[0])) {
					t.Errorf("state keeps validators of %s", u)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "epss_scores-2021-04-14.csv.gz")); err != nil {
		t.Error(err)
	}
}
