package fetch

import (
	"archive/zip"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// DefaultCVEReleaseURL is GitHub's REST API for the latest cvelistV5
// release (https://docs.github.com/en/rest/releases/releases#get-the-latest-release).
const DefaultCVEReleaseURL = "https://api.github.com/repos/CVEProject/cvelistV5/releases/latest"

// cvelistV5's asset names: YYYY-MM-DD_all_CVEs_at_midnight.zip.zip and
// YYYY-MM-DD_delta_CVEs_at_HHMMZ.zip.
const (
	baselineSuffix = "_all_CVEs_at_midnight.zip.zip"
	deltaInfix     = "_delta_CVEs_at_"
)

// CVE fetches the CVE List from cvelistV5's release assets.
type CVE struct {
	Client *Client
	Dir    string
	// ReleaseURL lists the latest release, whose assets hold the baseline
	// and the delta (default DefaultCVEReleaseURL).
	ReleaseURL string
	// FullURL and DeltaURL, when either is set, are fetched instead of
	// the release's assets (from a mirror, say), with conditional requests
	// saying whether they changed. An empty one is not fetched.
	FullURL, DeltaURL string
	// Full ignores the saved state: the baseline and delta are fetched and
	// imported even when already imported.
	Full bool
}

var _ Source = (*CVE)(nil)

func (*CVE) Name() string { return "cve" }

// asset is one file to fetch. A release asset is known by its name, a
// configured URL by its validators.
type asset struct {
	role string // "baseline" or "delta"
	name string // the release asset's name, or "" for a configured URL
	url  string
}

// Sync imports the day's baseline unless already imported, then the
// latest delta unless already imported. A new day's baseline comes with
// every hourly release, so a source synced hourly downloads the whole list
// once a day and a small delta each hour.
func (s *CVE) Sync(ctx context.Context, imp Import) (Result, error) {
	var res Result
	st, err := prepare(s.Dir)
	if err != nil {
		return res, fmt.Errorf("cve: %w", err)
	}
	assets := []asset{{role: "baseline", url: s.FullURL}, {role: "delta", url: s.DeltaURL}}
	if s.FullURL == "" && s.DeltaURL == "" {
		if assets, err = s.release(ctx); err != nil {
			return res, fmt.Errorf("cve: %w", err)
		}
	}
	for _, a := range assets {
		if a.url == "" {
			continue
		}
		if a.name != "" && !s.Full && st.Assets[a.role] == a.name {
			res.Unchanged = append(res.Unchanged, redacted(a.url))
			continue
		}
		if err := s.sync(ctx, st, a, imp, &res); err != nil {
			return res, fmt.Errorf("cve %s: %w", a.role, err)
		}
	}
	return res, nil
}

// sync downloads one asset, takes the zip of records out of it, imports
// that and records it in st.
func (s *CVE) sync(ctx context.Context, st *State, a asset, imp Import, res *Result) error {
	var prev Validators
	if a.name == "" && !s.Full {
		prev = st.Validators[a.url]
	}
	raw := filepath.Join(s.Dir, a.role+".download")
	f, err := s.Client.Download(ctx, a.url, raw, prev)
	if err != nil {
		return err
	}
	if f.Unchanged {
		res.add(a.url, f)
		return nil
	}
	dst := filepath.Join(s.Dir, a.role+".zip")
	if err := unwrap(raw, dst, s.Client.orZero().maxBytes()); err != nil {
		return err
	}
	if err := imp(ctx, dst); err != nil {
		return fmt.Errorf("import %s: %w", dst, err)
	}
	f.Path = dst
	res.add(a.url, f)
	if a.name != "" {
		if st.Assets == nil {
			st.Assets = map[string]string{}
		}
		st.Assets[a.role] = a.name
	} else {
		if st.Validators == nil {
			st.Validators = map[string]Validators{}
		}
		st.Validators[a.url] = f.Validators
	}
	return SaveState(s.Dir, st)
}

// release finds the baseline and the delta among the latest release's
// assets. The delta must be of the baseline's day: the release made at
// midnight carries the previous day's last delta, whose records the new
// baseline already holds.
func (s *CVE) release(ctx context.Context) ([]asset, error) {
	u := cmp.Or(s.ReleaseURL, DefaultCVEReleaseURL)
	resp, err := s.Client.do(ctx, request{url: u, header: http.Header{"Accept": {"application/vnd.github+json"}}})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", redacted(u), resp.Status)
	}
	// A release lists a handful of assets; 4 MiB leaves plenty of room
	// and bounds what a broken or hostile server can make us hold.
	var rel struct {
		TagName string `json:"tag_name"`
		Assets  []struct {
			Name string `json:"name"`
			URL  string `json:"browser_download_url"`
		} `json:"assets"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&rel); err != nil {
		return nil, fmt.Errorf("GET %s: release: %w", redacted(u), err)
	}
	baseline := asset{role: "baseline"}
	for _, a := range rel.Assets {
		if strings.HasSuffix(a.Name, baselineSuffix) {
			baseline.name, baseline.url = a.Name, a.URL
		}
	}
	if baseline.url == "" {
		return nil, fmt.Errorf("release %q at %s: no asset named YYYY-MM-DD%s", rel.TagName, redacted(u), baselineSuffix)
	}
	day := strings.TrimSuffix(baseline.name, baselineSuffix)
	delta := asset{role: "delta"}
	for _, a := range rel.Assets {
		if strings.HasPrefix(a.Name, day+deltaInfix) && strings.HasSuffix(a.Name, ".zip") {
			delta.name, delta.url = a.Name, a.URL
		}
	}
	return []asset{baseline, delta}, nil
}

// unwrap makes dst the zip of CVE records that src holds: the zip inside
// src when src is a zip of one zip (the baseline's cves.zip), or src
// itself. src is gone afterwards.
func unwrap(src, dst string, limit int64) error {
	zr, err := zip.OpenReader(src)
	if err != nil {
		os.Remove(src)
		return fmt.Errorf("%s: %w", src, err)
	}
	var inner *zip.File
	files := 0
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		files++
		if strings.EqualFold(path.Ext(f.Name), ".zip") {
			inner = f
		}
	}
	if files != 1 || inner == nil {
		zr.Close()
		return os.Rename(src, dst)
	}
	defer os.Remove(src)
	defer zr.Close()
	// archive/zip will not read past the header's size, so checking the
	// header bounds what the entry can write. The entry's name is not
	// used as a path: a hostile "../x.zip" goes nowhere but dst.
	if inner.UncompressedSize64 > uint64(limit) {
		return fmt.Errorf("%s: %s: %w: %d bytes, at most %d", src, inner.Name, ErrTooLarge, inner.UncompressedSize64, limit)
	}
	_, err = writeFile(dst, func(w io.Writer) error {
		rc, err := inner.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.Copy(w, rc)
		return err
	}, nil)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", src, inner.Name, err)
	}
	return nil
}
