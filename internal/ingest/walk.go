package ingest

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Limits bound what one import may read. The zero value means the
// defaults.
type Limits struct {
	// MaxEntries caps the entries of one zip archive (default 2,000,000).
	MaxEntries int
	// MaxDocumentBytes caps one document's uncompressed size (default 1 GiB).
	MaxDocumentBytes int64
	// MaxArchiveBytes caps the uncompressed total of one archive
	// (default 16 GiB).
	MaxArchiveBytes int64
	// MaxRatio caps uncompressed/compressed size of a zip entry or gzip
	// stream larger than 1 MiB (default 200; real advisory JSON compresses
	// about 4 to 10 times, zip bombs by thousands).
	MaxRatio int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = 2_000_000
	}
	if l.MaxDocumentBytes <= 0 {
		l.MaxDocumentBytes = 1 << 30
	}
	if l.MaxArchiveBytes <= 0 {
		l.MaxArchiveBytes = 16 << 30
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = 200
	}
	return l
}

// ErrLimit marks input refused for its size or compression ratio.
var ErrLimit = errors.New("input exceeds limit")

// ratioFloor is the size below which the compression ratio is not
// checked: a small, highly repetitive document is no threat.
const ratioFloor = 1 << 20

func (r *run) walkPath(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		r.rep.reject(err)
		return nil
	}
	if !info.IsDir() {
		return r.file(path, path, false)
	}
	// WalkDir visits in lexical order, so an import's error list and
	// progress are the same every run.
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			r.rep.reject(err)
			return nil
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, _ := filepath.Rel(filepath.Dir(path), p)
		return r.file(p, rel, true)
	})
}

// file reads one file from disk; name is how errors call it, inWalk
// whether a directory walk found it.
func (r *run) file(path, name string, inWalk bool) error {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return r.zipFile(path, name)
	}
	f, err := os.Open(path)
	if err != nil {
		r.rep.reject(err)
		return nil
	}
	defer f.Close()
	return r.seekable(f, doc{name: name, inWalk: inWalk})
}

// seekable reads a document that can be read twice: once for its
// fingerprint, then, if it is new or changed, to parse it.
func (r *run) seekable(f io.ReadSeeker, d doc) error {
	if r.ledger != nil {
		h := crc32.NewIEEE()
		n, err := io.Copy(h, f)
		if err == nil {
			_, err = f.Seek(0, io.SeekStart)
		}
		if err != nil {
			r.rep.reject(fmt.Errorf("%s: %w", d.name, err))
			return nil
		}
		d.fingerprint = fingerprint(h.Sum32(), n)
		if r.unchanged(d) {
			return nil
		}
	}
	return r.stream(d, &countingReader{r: f, n: &r.bytes})
}

// stream reads one document, gunzipping it when its name says so.
func (r *run) stream(d doc, src *countingReader) error {
	name := d.name
	lim := r.im.Limits.withDefaults()
	var rd io.Reader = src
	if strings.EqualFold(filepath.Ext(name), ".gz") {
		zr, err := gzip.NewReader(src)
		if err != nil {
			r.rep.reject(fmt.Errorf("%s: gzip: %w", name, err))
			return nil
		}
		defer zr.Close()
		rd = &ratioReader{r: zr, src: src, max: lim.MaxRatio, name: name}
	}
	guard := &limitReader{r: rd, left: lim.MaxDocumentBytes, name: name}
	err := r.document(d, guard)
	if err == nil && guard.err != nil {
		// The parser stopped on the limit error and reported it as a
		// malformed document; say what really happened.
		r.rep.reject(guard.err)
	}
	return err
}

func (r *run) zipFile(path, name string) error {
	lim := r.im.Limits.withDefaults()
	zr, err := zip.OpenReader(path)
	if err != nil {
		r.rep.reject(fmt.Errorf("%s: %w", name, err))
		return nil
	}
	defer zr.Close()
	if len(zr.File) > lim.MaxEntries {
		r.rep.reject(fmt.Errorf("%s: %w: %d entries, at most %d", name, ErrLimit, len(zr.File), lim.MaxEntries))
		return nil
	}
	if r.ledger != nil && !r.im.Force {
		if r.known, err = r.ledger.DocumentFingerprints(r.ctx, name+":"); err != nil {
			return err
		}
		defer func() { r.known = nil }()
	}
	var total uint64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		entry := name + ":" + f.Name
		// archive/zip refuses to read past UncompressedSize64, so the
		// header's size bounds what the entry can produce.
		if f.UncompressedSize64 > uint64(lim.MaxDocumentBytes) {
			r.rep.reject(fmt.Errorf("%s: %w: %d bytes uncompressed, at most %d", entry, ErrLimit, f.UncompressedSize64, lim.MaxDocumentBytes))
			continue
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64 > uint64(lim.MaxRatio)*max(f.CompressedSize64, 1) {
			r.rep.reject(fmt.Errorf("%s: %w: compression ratio %d:1, at most %d:1", entry, ErrLimit, f.UncompressedSize64/max(f.CompressedSize64, 1), lim.MaxRatio))
			continue
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxArchiveBytes) {
			r.rep.reject(fmt.Errorf("%s: %w: more than %d bytes uncompressed in all", name, ErrLimit, lim.MaxArchiveBytes))
			return nil
		}
		d := doc{name: entry, inWalk: true, fingerprint: fingerprint(f.CRC32, int64(f.UncompressedSize64))}
		if r.unchanged(d) {
			continue
		}
		if err := r.zipEntry(f, d); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) zipEntry(f *zip.File, d doc) error {
	rc, err := f.Open()
	if err != nil {
		r.rep.reject(fmt.Errorf("%s: %w", d.name, err))
		return nil
	}
	defer rc.Close()
	r.bytes += int64(f.CompressedSize64)
	// An archive is walked like a directory (d.inWalk): what no source
	// reads in it is skipped, not rejected. Its header's CRC-32 is checked
	// by archive/zip as the entry is read.
	return r.stream(d, &countingReader{r: rc})
}

// peeker lets the importer look at a document's first bytes for format
// detection and then hand the whole stream to the parser.
type peeker struct{ *bufio.Reader }

const sniffBytes = 4096

func newPeeker(r io.Reader) peeker { return peeker{bufio.NewReaderSize(r, sniffBytes)} }

func (p peeker) head() []byte {
	b, _ := p.Peek(sniffBytes)
	return b
}

// limitReader fails, rather than truncating silently, once a document
// passes its size limit.
type limitReader struct {
	r    io.Reader
	left int64
	name string
	err  error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.left <= 0 {
		l.err = fmt.Errorf("%s: %w: document larger than the limit", l.name, ErrLimit)
		return 0, l.err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// ratioReader watches a decompressor's output against its input and stops
// a stream that expands past the ratio limit.
type ratioReader struct {
	r    io.Reader
	src  *countingReader
	out  int64
	max  int64
	name string
}

func (g *ratioReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.out += int64(n)
	if in := g.src.read; g.out > ratioFloor && in > 0 && g.out/in > g.max {
		return n, fmt.Errorf("%s: %w: gzip expands more than %d:1", g.name, ErrLimit, g.max)
	}
	return n, err
}

// countingReader counts bytes read, for progress and ratio checks.
type countingReader struct {
	r    io.Reader
	n    *int64
	read int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	if c.n != nil {
		*c.n += int64(n)
	}
	return n, err
}

// doc identifies one document while it is read.
type doc struct {
	name        string
	inWalk      bool   // found by walking a directory or archive, not named
	fingerprint string // "" when no ledger keeps fingerprints
}

// parserRevision is part of every fingerprint. Bump it when a parser maps
// something new, so that documents imported before are read again.
const parserRevision = 1

func fingerprint(crc uint32, size int64) string {
	return fmt.Sprintf("r%d:crc32:%08x:%d", parserRevision, crc, size)
}

// unchanged reports, and counts, a document the store has imported with
// the same content before.
func (r *run) unchanged(d doc) bool {
	if r.ledger == nil || r.im.Force || d.fingerprint == "" {
		return false
	}
	fp, ok := r.known[d.name]
	if !ok && r.known == nil {
		var err error
		if fp, err = r.ledger.DocumentFingerprint(r.ctx, d.name); err != nil {
			return false
		}
	}
	if fp != d.fingerprint {
		return false
	}
	r.rep.DocumentsUnchanged++
	return true
}
