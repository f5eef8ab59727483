package mirror

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/signing"
)

// Format names the bundle format a manifest is written in.
const Format = "vmc-mirror/1"

// Member names.
const (
	manifestName  = "manifest.json"
	signatureName = "manifest.json.asc"
)

var batchNameRE = regexp.MustCompile(`^batches/[0-9]{6}\.jsonl\.gz$`)

// Limits a reader holds a bundle to. A bundle comes from another
// network by hand, and its signature is checked only once the manifest
// is read: the limits hold before anything is trusted.
type Limits struct {
	// Manifest bounds manifest.json and its signature.
	Manifest int64
	// Batch bounds one batch as stored (compressed), Decompressed as
	// decompressed (a gzip bomb stops there), and Line one entry.
	Batch, Decompressed, Line int64
	// Batches bounds how many a manifest may list.
	Batches int
}

// DefaultLimits fit a full database: a batch holds at most BatchSize
// vulnerabilities' records, a few MB compressed even for those with
// years of EPSS history.
var DefaultLimits = Limits{Manifest: 16 << 20, Batch: 256 << 20, Decompressed: 1 << 30, Line: 64 << 20, Batches: 1 << 20}

// Errors import tells apart.
var (
	// ErrUnsigned: the bundle carries no signature.
	ErrUnsigned = errors.New("bundle is not signed")
	// ErrTampered: a batch does not match the hash the signed manifest
	// gives for it, or members are missing, extra or out of order.
	ErrTampered = errors.New("bundle altered after signing")
	// ErrFormat: not a bundle vmc can read, or beyond a limit.
	ErrFormat = errors.New("not a vmc mirror bundle")
)

// Manifest describes a bundle.
type Manifest struct {
	Format string `json:"format"`
	// Origin names the exporting vmc, for people.
	Origin string `json:"origin,omitempty"`
	// Since is the mark the export started from (zero: everything);
	// Mark is when it began, the next export's Since.
	Since   time.Time `json:"since,omitzero"`
	Mark    time.Time `json:"mark"`
	Batches []Batch   `json:"batches"`
}

// Batch is one batch as the manifest lists it.
type Batch struct {
	Name    string `json:"name"`
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	Entries int    `json:"entries"`
}

// Entry is one source record with its provenance and history.
type Entry struct {
	Source   string    `json:"source"`
	Record   string    `json:"record"`
	Document string    `json:"document,omitempty"`
	Modified time.Time `json:"modified,omitzero"`
	Retired  time.Time `json:"retired,omitzero"`
	// Claims are every value the record ever stated, current ones with
	// no Replaced time; Provenance's Source, Record and Document are the
	// entry's and not repeated.
	Claims []advisory.Claim `json:"claims"`
}

// check reports what makes e unusable.
func (e Entry) check() error {
	if e.Source == "" || e.Record == "" {
		return errors.New("source or record empty")
	}
	if len(e.Claims) == 0 {
		return errors.New("no claims")
	}
	for i, c := range e.Claims {
		if c.Field == "" || len(c.Value) == 0 || !json.Valid(c.Value) {
			return fmt.Errorf("claims[%d] (%s): no field or no valid JSON value", i, c.Field)
		}
	}
	return nil
}

// batchWriter collects entries into one gzip'd batch in memory.
type batchWriter struct {
	buf     bytes.Buffer
	gz      *gzip.Writer
	entries int
}

func newBatchWriter() *batchWriter {
	b := &batchWriter{}
	b.gz = gzip.NewWriter(&b.buf)
	return b
}

func (b *batchWriter) add(e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("%s %s: %w", e.Source, e.Record, err)
	}
	b.entries++
	b.gz.Write(line)
	_, err = b.gz.Write([]byte{'\n'})
	return err
}

func (b *batchWriter) close() ([]byte, error) {
	if err := b.gz.Close(); err != nil {
		return nil, err
	}
	return b.buf.Bytes(), nil
}

// writeBundle writes the tar: the manifest for batches (whose bodies
// are read from bodies, in order), signed with key.
func writeBundle(w io.Writer, m Manifest, bodies func(i int) ([]byte, error), key *signing.Key, now time.Time) error {
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	sig, err := key.Sign(mb, now)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	put := func(name string, body []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), ModTime: m.Mark, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	if err := put(manifestName, mb); err != nil {
		return err
	}
	if err := put(signatureName, sig); err != nil {
		return err
	}
	for i, b := range m.Batches {
		body, err := bodies(i)
		if err != nil {
			return err
		}
		if err := put(b.Name, body); err != nil {
			return err
		}
	}
	return tw.Close()
}

// Reader reads a bundle in order: Open checks the manifest's signature,
// Next returns each batch after checking its hash.
type Reader struct {
	tr       *tar.Reader
	limits   Limits
	Manifest Manifest
	// ID is the manifest's SHA-256: what resumption knows the bundle by.
	ID   string
	next int
}

// Open reads the manifest and its signature from r and checks the
// signature with v at now. Nothing else is read until the signature is
// good.
func Open(r io.Reader, v *signing.Verifier, limits Limits, now time.Time) (*Reader, error) {
	br := &Reader{tr: tar.NewReader(r), limits: limits}
	mb, err := br.member(manifestName, limits.Manifest)
	if err != nil {
		return nil, err
	}
	sig, err := br.member(signatureName, limits.Manifest)
	if errors.Is(err, errWrongMember) || errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: no %s after %s", ErrUnsigned, signatureName, manifestName)
	}
	if err != nil {
		return nil, err
	}
	if _, err := v.Verify(mb, sig, now); err != nil {
		if errors.Is(err, signing.ErrNoSignature) {
			return nil, fmt.Errorf("%w: %s is empty", ErrUnsigned, signatureName)
		}
		return nil, fmt.Errorf("%s: %w (signed by another key than the trusted one, or altered)", manifestName, err)
	}
	dec := json.NewDecoder(bytes.NewReader(mb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&br.Manifest); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFormat, manifestName, err)
	}
	m := br.Manifest
	if m.Format != Format {
		return nil, fmt.Errorf("%w: %s: format %q, want %q", ErrFormat, manifestName, m.Format, Format)
	}
	if len(m.Batches) > limits.Batches {
		return nil, fmt.Errorf("%w: %s lists %d batches, more than %d", ErrFormat, manifestName, len(m.Batches), limits.Batches)
	}
	for i, b := range m.Batches {
		if b.Name != batchName(i+1) || len(b.SHA256) != 64 || b.Size < 0 || b.Size > limits.Batch || b.Entries < 0 {
			return nil, fmt.Errorf("%w: %s: batches[%d]: bad name, hash, size or count", ErrFormat, manifestName, i)
		}
	}
	br.ID = sha256Hex(mb)
	return br, nil
}

var errWrongMember = errors.New("unexpected member")

// member reads the next tar member, which must be called name and hold
// at most limit bytes.
func (r *Reader) member(name string, limit int64) ([]byte, error) {
	h, err := r.tr.Next()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: %s missing", io.EOF, name)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if h.Name != name {
		return nil, fmt.Errorf("%w: %q where %s belongs", errWrongMember, h.Name, name)
	}
	if h.Typeflag != tar.TypeReg {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrFormat, name)
	}
	if h.Size > limit {
		return nil, fmt.Errorf("%w: %s is %d bytes, more than %d", ErrFormat, name, h.Size, limit)
	}
	b, err := io.ReadAll(io.LimitReader(r.tr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFormat, name, err)
	}
	return b, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func batchName(n int) string { return fmt.Sprintf("batches/%06d.jsonl.gz", n) }

// Next returns the next batch's description and its entries, or io.EOF
// after the last. skip, when it says so for a batch, passes over it
// without decompressing or parsing (a batch already imported); its hash
// is checked all the same.
func (r *Reader) Next(skip func(Batch) bool) (Batch, []Entry, error) {
	if r.next >= len(r.Manifest.Batches) {
		if h, err := r.tr.Next(); err != io.EOF {
			name := "?"
			if h != nil {
				name = h.Name
			}
			return Batch{}, nil, fmt.Errorf("%w: member %q after the last batch", ErrTampered, name)
		}
		return Batch{}, nil, io.EOF
	}
	b := r.Manifest.Batches[r.next]
	r.next++
	body, err := r.member(b.Name, r.limits.Batch)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, errWrongMember) {
			return b, nil, fmt.Errorf("%w: %v", ErrTampered, err)
		}
		return b, nil, err
	}
	if sha256Hex(body) != b.SHA256 || int64(len(body)) != b.Size {
		return b, nil, fmt.Errorf("%w: %s does not match its SHA-256 in the manifest", ErrTampered, b.Name)
	}
	if skip != nil && skip(b) {
		return b, nil, nil
	}
	entries, err := parseBatch(b.Name, body, r.limits)
	if err != nil {
		return b, nil, err
	}
	if len(entries) != b.Entries {
		return b, nil, fmt.Errorf("%w: %s holds %d entries, the manifest says %d", ErrFormat, b.Name, len(entries), b.Entries)
	}
	return b, entries, nil
}

// parseBatch decompresses and reads one batch within limits.
func parseBatch(name string, body []byte, limits Limits) ([]Entry, error) {
	gz, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFormat, name, err)
	}
	lr := &io.LimitedReader{R: gz, N: limits.Decompressed + 1}
	sc := bufio.NewScanner(lr)
	sc.Buffer(make([]byte, 0, 64<<10), int(limits.Line))
	var out []Entry
	tooBig := func() error {
		return fmt.Errorf("%w: %s decompresses to more than %d bytes", ErrFormat, name, limits.Decompressed)
	}
	for line := 1; sc.Scan(); line++ {
		if lr.N <= 0 {
			// The line may be cut at the limit: say why.
			return nil, tooBig()
		}
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%w: %s: line %d: %w", ErrFormat, name, line, err)
		}
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("%w: %s: line %d (%s %s): %w", ErrFormat, name, line, e.Source, e.Record, err)
		}
		out = append(out, e)
	}
	if lr.N <= 0 {
		return nil, tooBig()
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFormat, name, err)
	}
	return out, nil
}
