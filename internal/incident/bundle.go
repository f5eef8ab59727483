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
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// An evidence bundle is a zip archive that carries evidence out of vmc
// with what is needed to show it arrived unchanged:
//
//	evidence/<id>-<name>   each file, byte for byte as collected
//	manifest.json          the incident, who exported it, when, why and
//	                       for whom, and each file's path, size, SHA-256,
//	                       collector, collection time and marking
//	manifest.sha256        the SHA-256 of manifest.json, in sha256sum's
//	                       format, so that `sha256sum -c` works too
//
// manifest.sha256 catches an edited manifest, not a forger who rewrites
// both: a bundle is authentic when its manifest hash matches the one the
// export recorded in the evidence's chain of custody (the exported
// entry's SHA256), which WriteBundle returns for that purpose.

// BundleFormat identifies the manifest's format and version.
const BundleFormat = "vmc-evidence-bundle/1"

// Names of the bundle's own files, and the folder the evidence is in.
const (
	ManifestName    = "manifest.json"
	ManifestSumName = "manifest.sha256"
	evidenceDir     = "evidence/"
)

// Limits VerifyBundle holds a bundle to before trusting anything in it.
// A zip archive's sizes are claims; a small archive can expand to far
// more than its size (a zip bomb), so every read is capped by what was
// actually read, not by the headers.
const (
	// MaxBundle caps the uncompressed bytes read from one bundle.
	MaxBundle = 2 << 30
	// MaxBundleEntries caps the entries of one bundle.
	MaxBundleEntries = 10000
	// maxManifest caps manifest.json: some 10,000 files' records.
	maxManifest = 16 << 20
)

var (
	// ErrBundle marks an archive that cannot be checked as an evidence
	// bundle at all: not a zip, no readable manifest.
	ErrBundle = errors.New("not a readable evidence bundle")
	// ErrNotIntact marks a problem VerifyBundle found in a bundle.
	ErrNotIntact = errors.New("evidence bundle not intact")
)

// Manifest is a bundle's manifest.json.
type Manifest struct {
	Format   string         `json:"format"` // BundleFormat
	Incident BundleIncident `json:"incident"`
	// ExportedBy, ExportedAt and Reason are who exported the bundle,
	// when, and why; Recipient and Clearance who it was for.
	ExportedBy string         `json:"exported_by"`
	ExportedAt time.Time      `json:"exported_at"`
	Reason     string         `json:"reason"`
	Recipient  string         `json:"recipient,omitempty"`
	Clearance  TLP            `json:"clearance"`
	Files      []ManifestFile `json:"files"`
}

// BundleIncident is the incident a bundle's evidence belongs to.
type BundleIncident struct {
	ID      int64   `json:"id,omitempty"` // 0 for evidence collected outside vmc
	Title   string  `json:"title"`
	Marking Marking `json:"marking"`
}

// ManifestFile is one piece of evidence in a bundle: its path in the
// archive and its record, whose Size and SHA256 the file must match.
type ManifestFile struct {
	Path string `json:"path"`
	Evidence
}

// BundleItem is a piece of evidence to export, with its content as the
// store keeps it.
type BundleItem struct {
	Evidence Evidence
	Content  io.Reader
}

// Export says who exports a bundle, to whom, when and why: what the
// exported entry of each file's chain of custody records.
type Export struct {
	By     string
	To     Recipient
	Reason string
	At     time.Time
}

// BundlePath is where a piece of evidence goes in a bundle.
func BundlePath(ev Evidence) string {
	return fmt.Sprintf("%s%d-%s", evidenceDir, ev.ID, ev.Name)
}

// WriteBundle writes an evidence bundle of the items to w, and returns
// the SHA-256 of its manifest, for the exported custody entries. It
// refuses, before writing anything, an export that Release withholds
// from ex.To (the incident's marking or any item's), naming what is
// withheld; and it refuses content that no longer matches the SHA-256
// taken at intake. On an error w holds a partial archive: write to a
// temporary file and rename it into place on success.
func WriteBundle(w io.Writer, in Incident, items []BundleItem, ex Export) (string, error) {
	switch {
	case strings.TrimSpace(in.Title) == "" || len(in.Title) > 500 || !noControl(in.Title):
		return "", fmt.Errorf("%w: incident title: empty, longer than 500 bytes or not printable", ErrEvidence)
	case !validCustodian(ex.By):
		return "", fmt.Errorf("%w: export by: %q is not a name", ErrEvidence, ex.By)
	case strings.TrimSpace(ex.Reason) == "" || len(ex.Reason) > maxEvidenceText || !utf8.ValidString(ex.Reason):
		return "", fmt.Errorf("%w: export reason: empty, longer than %d KiB or not UTF-8 (say why it leaves vmc)", ErrEvidence, maxEvidenceText>>10)
	case ex.At.IsZero():
		return "", fmt.Errorf("%w: export time: missing", ErrEvidence)
	case !ex.To.Clearance.IsValid():
		return "", fmt.Errorf("%w: export recipient clearance: unknown %q", ErrEvidence, ex.To.Clearance)
	case ex.To.Name != "" && !validCustodian(ex.To.Name):
		return "", fmt.Errorf("%w: export recipient: %q is not a name", ErrEvidence, ex.To.Name)
	case len(items) == 0:
		return "", fmt.Errorf("%w: no evidence to export", ErrEvidence)
	case len(items) > MaxBundleEntries-2:
		return "", fmt.Errorf("%w: %d files: a bundle holds at most %d", ErrEvidence, len(items), MaxBundleEntries-2)
	}
	if err := Release(in.Marking, ChannelExport, ex.To, ex.At); err != nil {
		return "", fmt.Errorf("incident %d: %w", in.ID, err)
	}
	m := Manifest{
		Format:     BundleFormat,
		Incident:   BundleIncident{ID: in.ID, Title: in.Title, Marking: in.Marking},
		ExportedBy: ex.By, ExportedAt: ex.At.UTC(), Reason: ex.Reason,
		Recipient: ex.To.Name, Clearance: ex.To.Clearance,
	}
	seen := map[string]bool{}
	var total int64
	for _, it := range items {
		ev := it.Evidence
		if err := ev.Validate(); err != nil {
			return "", err
		}
		if err := Release(ev.Marking, ChannelExport, ex.To, ex.At); err != nil {
			return "", fmt.Errorf("%s: %w", ev.label(), err)
		}
		p := BundlePath(ev)
		switch {
		case in.ID != 0 && ev.Incident != in.ID:
			return "", fmt.Errorf("%w: %s: belongs to incident %d, not %d", ErrEvidence, ev.label(), ev.Incident, in.ID)
		case seen[p]:
			return "", fmt.Errorf("%w: %s: exported twice (%s)", ErrEvidence, ev.label(), p)
		case it.Content == nil:
			return "", fmt.Errorf("%w: %s: no content", ErrEvidence, ev.label())
		}
		if total += ev.Size; total > MaxBundle {
			return "", fmt.Errorf("%w: the evidence is over %s: export it in several bundles", ErrEvidence, sizeText(MaxBundle))
		}
		seen[p] = true
		ev.Collected = ev.Collected.UTC()
		m.Files = append(m.Files, ManifestFile{Path: p, Evidence: ev})
	}

	zw := zip.NewWriter(w)
	for i, it := range items {
		f := m.Files[i]
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: zip.Deflate, Modified: f.Collected})
		if err != nil {
			return "", fmt.Errorf("%s: %w", f.Path, err)
		}
		if err := f.CopyContent(fw, it.Content); err != nil {
			return "", err
		}
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", err
	}
	mb = append(mb, '\n')
	sum := sha256.Sum256(mb)
	msum := hex.EncodeToString(sum[:])
	for _, e := range []struct {
		name string
		b    []byte
	}{{ManifestName, mb}, {ManifestSumName, []byte(msum + "  " + ManifestName + "\n")}} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: m.ExportedAt})
		if err != nil {
			return "", fmt.Errorf("%s: %w", e.name, err)
		}
		if _, err := fw.Write(e.b); err != nil {
			return "", fmt.Errorf("%s: %w", e.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return msum, nil
}

// Report is what VerifyBundle found.
type Report struct {
	// Manifest is the bundle's manifest as read.
	Manifest Manifest
	// ManifestSHA256 is the manifest's hash as computed.
	ManifestSHA256 string
	// Checks are the manifest's own check first, then one per file the
	// manifest lists, in its order, then one per entry it does not.
	Checks []Check
}

// Check is the result for one path in a bundle.
type Check struct {
	Path string
	// Size and SHA256 are as read from the bundle; empty when the file
	// was not read.
	Size   int64
	SHA256 string
	// Err is nil when the file is intact, and otherwise a
	// *BundleProblem.
	Err error
}

// Intact reports whether every check passed.
func (r Report) Intact() bool {
	for _, c := range r.Checks {
		if c.Err != nil {
			return false
		}
	}
	return true
}

// Problems returns the checks' errors.
func (r Report) Problems() []error {
	var errs []error
	for _, c := range r.Checks {
		if c.Err != nil {
			errs = append(errs, c.Err)
		}
	}
	return errs
}

// BundleProblem is what is wrong with one path in a bundle. It matches
// ErrNotIntact with errors.Is.
type BundleProblem struct {
	Path   string
	Reason string
}

func (p *BundleProblem) Error() string { return p.Path + ": " + p.Reason }

// Is makes every problem an ErrNotIntact.
func (p *BundleProblem) Is(target error) bool { return target == ErrNotIntact }

// bundleLimits are VerifyBundle's caps, smaller in tests.
type bundleLimits struct {
	entries               int
	file, total, manifest int64
}

var defaultLimits = bundleLimits{entries: MaxBundleEntries, file: MaxEvidence, total: MaxBundle, manifest: maxManifest}

// VerifyBundle checks an evidence bundle of size bytes read from r:
// manifest.json against manifest.sha256, and every file the manifest
// lists against its size and SHA-256. Each problem is a check naming its
// path: a file missing, changed, too large or unreadable, an entry the
// manifest does not list, an entry listed or stored twice, an entry
// whose path could escape the folder it is extracted to (never read). The
// error is for an archive that cannot be checked at all: not a zip, too
// many entries, no readable manifest.
func VerifyBundle(r io.ReaderAt, size int64) (Report, error) {
	return verifyBundle(r, size, defaultLimits)
}

func verifyBundle(r io.ReaderAt, size int64, lim bundleLimits) (Report, error) {
	var rep Report
	zr, err := zip.NewReader(r, size)
	// ErrInsecurePath comes with a usable reader (under
	// GODEBUG=zipinsecurepath=0): the entries are checked below.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return rep, fmt.Errorf("%w: not a zip archive: %v", ErrBundle, err)
	}
	if len(zr.File) > lim.entries {
		return rep, fmt.Errorf("%w: %d entries: a bundle holds at most %d", ErrBundle, len(zr.File), lim.entries)
	}
	problem := func(p, format string, args ...any) Check {
		return Check{Path: p, Err: &BundleProblem{Path: p, Reason: fmt.Sprintf(format, args...)}}
	}

	// Index the entries; one stored twice is a problem wherever it is
	// listed, since tools disagree on which copy an extraction keeps.
	entries := map[string]*zip.File{}
	count := map[string]int{}
	for _, f := range zr.File {
		count[f.Name]++
		if count[f.Name] == 1 {
			entries[f.Name] = f
		}
	}
	reported := map[string]bool{}
	var read int64 // uncompressed bytes read so far

	// The manifest first: nothing else can be checked without it.
	mf, ok := entries[ManifestName]
	if !ok {
		return rep, fmt.Errorf("%w: %s: missing", ErrBundle, ManifestName)
	}
	if count[ManifestName] > 1 {
		return rep, fmt.Errorf("%w: %s: stored %d times", ErrBundle, ManifestName, count[ManifestName])
	}
	mb, err := readEntry(mf, lim.manifest)
	if err != nil {
		return rep, fmt.Errorf("%w: %s: %v", ErrBundle, ManifestName, err)
	}
	read += int64(len(mb))
	if err := json.Unmarshal(mb, &rep.Manifest); err != nil {
		return rep, fmt.Errorf("%w: %s: %v", ErrBundle, ManifestName, err)
	}
	if rep.Manifest.Format != BundleFormat {
		return rep, fmt.Errorf("%w: %s: format %q, want %q", ErrBundle, ManifestName, rep.Manifest.Format, BundleFormat)
	}
	sum := sha256.Sum256(mb)
	rep.ManifestSHA256 = hex.EncodeToString(sum[:])
	reported[ManifestName], reported[ManifestSumName] = true, true
	mc := Check{Path: ManifestName, Size: int64(len(mb)), SHA256: rep.ManifestSHA256}
	if sf, ok := entries[ManifestSumName]; !ok {
		mc = problem(ManifestName, "%s is missing: the manifest cannot be checked", ManifestSumName)
	} else if sb, err := readEntry(sf, 1024); err != nil {
		mc = problem(ManifestName, "%s: %v", ManifestSumName, err)
	} else if want, _, _ := strings.Cut(strings.TrimSpace(string(sb)), " "); want != rep.ManifestSHA256 {
		mc = problem(ManifestName, "SHA-256 %s, %s says %q: the manifest was changed", rep.ManifestSHA256, ManifestSumName, want)
	} else if count[ManifestSumName] > 1 {
		mc = problem(ManifestName, "%s stored %d times", ManifestSumName, count[ManifestSumName])
	}
	rep.Checks = append(rep.Checks, mc)

	for i, f := range rep.Manifest.Files {
		p := f.Path
		if p == "" {
			p = fmt.Sprintf("files[%d]", i)
		}
		zf := entries[p]
		switch {
		case !safePath(p) || !strings.HasPrefix(p, evidenceDir):
			rep.Checks = append(rep.Checks, problem(p, "unsafe path: not a file under %s; not read", evidenceDir))
		case reported[p]:
			rep.Checks = append(rep.Checks, problem(p, "listed twice in the manifest"))
		case !isHexSHA256(f.SHA256) || f.Size < 0:
			rep.Checks = append(rep.Checks, problem(p, "the manifest's size %d or SHA-256 %q is not valid", f.Size, f.SHA256))
		case zf == nil:
			rep.Checks = append(rep.Checks, problem(p, "missing from the bundle"))
		case count[p] > 1:
			rep.Checks = append(rep.Checks, problem(p, "stored %d times", count[p]))
		case zf.UncompressedSize64 > uint64(lim.file):
			rep.Checks = append(rep.Checks, problem(p, "%d bytes, over the limit of %s; not read", zf.UncompressedSize64, sizeText(lim.file)))
		case zf.UncompressedSize64 > uint64(max(lim.total-read, 0)):
			rep.Checks = append(rep.Checks, problem(p, "not read: the bundle is over %s uncompressed", sizeText(lim.total)))
		default:
			rep.Checks = append(rep.Checks, checkFile(zf, f, lim, &read))
		}
		reported[p] = true
	}

	for _, f := range zr.File {
		p := f.Name
		if reported[p] {
			continue
		}
		reported[p] = true
		switch {
		case !safePath(strings.TrimSuffix(p, "/")):
			rep.Checks = append(rep.Checks, problem(p, "unsafe path: refused"))
		case strings.HasSuffix(p, "/") && f.UncompressedSize64 == 0:
			// A folder entry, as zip tools write them: nothing to check.
		default:
			rep.Checks = append(rep.Checks, problem(p, "not in the manifest"))
		}
	}
	return rep, nil
}

// checkFile reads one file the manifest lists and compares it, counting
// what it reads against the bundle's total.
func checkFile(zf *zip.File, f ManifestFile, lim bundleLimits, read *int64) Check {
	c := Check{Path: f.Path}
	fail := func(format string, args ...any) Check {
		c.Err = &BundleProblem{Path: f.Path, Reason: fmt.Sprintf(format, args...)}
		return c
	}
	rc, err := zf.Open()
	if err != nil {
		return fail("%v", err)
	}
	defer rc.Close()
	limit := max(min(lim.file, lim.total-*read), 0)
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(rc, limit+1))
	*read += n
	switch {
	case n > lim.file:
		return fail("over the limit of %s; not read further", sizeText(lim.file))
	case n > limit:
		return fail("not read further: the bundle is over %s uncompressed", sizeText(lim.total))
	case err != nil:
		return fail("%v", err)
	}
	c.Size, c.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	switch {
	case c.Size != f.Size:
		return fail("%d bytes, the manifest says %d", c.Size, f.Size)
	case c.SHA256 != f.SHA256:
		return fail("SHA-256 %s, the manifest says %s", c.SHA256, f.SHA256)
	}
	return c
}

// readEntry reads a small entry whole, refusing one over limit bytes.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%d bytes, over the limit of %s", f.UncompressedSize64, sizeText(limit))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, io.LimitReader(rc, limit+1)); err != nil {
		return nil, err
	}
	if int64(b.Len()) > limit {
		return nil, fmt.Errorf("over the limit of %s", sizeText(limit))
	}
	return b.Bytes(), nil
}

// safePath reports whether an archive entry's name stays inside the
// folder it is extracted to on any system: relative, clean, no "..",
// no backslash (a separator on Windows), no drive or stream colon, no
// control characters.
func safePath(p string) bool {
	if p == "" || !noControl(p) || strings.ContainsAny(p, `\:`) || strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return false
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." || el == "." {
			return false
		}
	}
	return true
}

// sizeText writes a limit as people read it: whole MiB when it is.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
