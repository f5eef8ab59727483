// Package ingest moves advisory data from files into the store: it opens
// files, directories, zip archives and gzip streams, detects each
// document's format, runs the format's parser and writes the records in
// batches, one transaction each.
//
// Input is hostile until parsed. Archives are bounded in entry count, in
// total and per-entry uncompressed size and in compression ratio; the
// bounds are counted on the bytes actually read, not taken from headers
// that can lie.
//
// A bad record is reported and skipped; it never stops the import. A batch
// is all or nothing, and because an unchanged record is recognised by its
// hash, re-running an interrupted import completes it without duplicating
// anything.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/store"
)

// Source is one advisory format the importer can read.
type Source struct {
	Name  string
	Sniff func(name string, head []byte) bool
	Parse func(name string, r io.Reader) iter.Seq2[advisory.Record, error]
	// Snapshot means each document is the source's complete catalogue (a
	// KEV release, a day of EPSS scores): after a document is read without
	// error, the source's records it does not carry are retired.
	Snapshot bool
}

// Ledger is an optional ability of a Writer: remembering which documents
// it has imported, by content fingerprint, so an unchanged document is not
// parsed again.
type Ledger interface {
	DocumentFingerprint(ctx context.Context, name string) (string, error)
	DocumentFingerprints(ctx context.Context, prefix string) (map[string]string, error)
	PutDocuments(ctx context.Context, docs []store.Document) error
}

var _ Ledger = store.Advisories(nil)

// Writer is the part of the store the importer needs.
type Writer interface {
	PutRecords(ctx context.Context, recs []advisory.Record) (store.BatchResult, error)
	RetireMissing(ctx context.Context, source string, present []string, asOf time.Time) (int, error)
}

// Preparer is a Writer that can start on a batch before writing it:
// PrepareRecords does at once, beside the caller, the work on recs that
// depends on nothing stored, and returns what writes them as PutRecords
// would. The importer calls it as it queues a batch, so that the work is
// done while the writer goroutine, the slower side of the pipeline, is
// still writing the batch before.
type Preparer interface {
	PrepareRecords(recs []advisory.Record) func(context.Context) (store.BatchResult, error)
}

// Importer reads documents and writes their records.
type Importer struct {
	Store   Writer
	Sources []Source
	// Source forces one format instead of detecting it per document.
	Source string
	// Force reads every document, even those the store has imported
	// unchanged before.
	Force bool
	// BatchSize is the number of records per transaction (default 500).
	BatchSize int
	Limits    Limits
	// Progress, when set, is called after every batch and at the end.
	Progress func(Progress)
	// Matcher, when set, re-matches after each batch what its records can
	// affect, so that findings follow advisories as they change.
	Matcher *Matcher
}

// Progress is what the importer has done so far.
type Progress struct {
	File      string // the document being read
	Read      int    // records parsed
	BytesRead int64  // compressed bytes consumed from the inputs
}

// Report is the outcome of an import.
type Report struct {
	Documents int `json:"documents"`
	// DocumentsUnchanged counts documents imported before with the same
	// content, which were not read again.
	DocumentsUnchanged int `json:"documents_unchanged"`
	Read               int `json:"read"`
	store.BatchResult
	Rejected int `json:"rejected"`
	// Skipped lists files met while walking a directory that are not in
	// any format vmc reads (README files, JSON Schemas, test outputs).
	// A file named on the command line is never skipped: if vmc cannot
	// read it, it is rejected.
	Skipped []string `json:"skipped,omitempty"`
	// Errors lists every rejected record and unreadable document, each
	// naming file, record and field. At most MaxErrors are kept; Rejected
	// counts them all.
	Errors   []string       `json:"errors,omitempty"`
	Duration time.Duration  `json:"duration_ns"`
	BySource map[string]int `json:"by_source"`
	// Findings is what re-matching did, when the importer has a Matcher.
	Findings Outcome `json:"findings"`
}

// Add accumulates another import's report into r, keeping the bound on
// its lists.
func (r *Report) Add(o Report) {
	r.Documents += o.Documents
	r.DocumentsUnchanged += o.DocumentsUnchanged
	r.Read += o.Read
	r.BatchResult.Add(o.BatchResult)
	r.Findings.Merge(o.Findings)
	r.Rejected += o.Rejected
	r.Skipped = append(r.Skipped, o.Skipped[:min(len(o.Skipped), max(0, MaxErrors-len(r.Skipped)))]...)
	r.Errors = append(r.Errors, o.Errors[:min(len(o.Errors), max(0, MaxErrors-len(r.Errors)))]...)
	r.Duration += o.Duration
	if r.BySource == nil {
		r.BySource = map[string]int{}
	}
	for k, n := range o.BySource {
		r.BySource[k] += n
	}
}

// MaxErrors bounds the error list a report keeps, so that a file of a
// million bad records cannot exhaust memory through its error messages.
const MaxErrors = 1000

func (r *Report) reject(err error) {
	r.Rejected++
	if len(r.Errors) < MaxErrors {
		r.Errors = append(r.Errors, err.Error())
	}
}

// ErrUnknownFormat marks a document no source recognises.
var ErrUnknownFormat = errors.New("unknown format")

// Import reads every path (a file, a directory, a .zip or a .gz) and
// writes what it finds. It returns a non-nil error only when the import
// could not go on (the store failed, the context ended); rejected records
// are in the report.
func (im *Importer) Import(ctx context.Context, paths ...string) (Report, error) {
	if im.Source != "" && im.source(im.Source) == nil {
		return Report{}, fmt.Errorf("%w: no source named %q", ErrUnknownFormat, im.Source)
	}
	return im.do(ctx, func(r *run) error {
		for _, p := range paths {
			if err := r.walkPath(p); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportFS reads every file of fsys (not zip archives) and writes what it
// finds. Files named *.md are skipped: they document the data, they are
// not data.
func (im *Importer) ImportFS(ctx context.Context, fsys fs.FS) (Report, error) {
	return im.do(ctx, func(r *run) error {
		return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
				return err
			}
			f, err := fsys.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			if rs, ok := f.(io.ReadSeeker); ok {
				return r.seekable(rs, doc{name: p, inWalk: true})
			}
			return r.stream(doc{name: p, inWalk: true}, &countingReader{r: f, n: &r.bytes})
		})
	})
}

// do runs read with a writer goroutine beside it. Parsing and writing cost
// about the same, so on two cores the pipeline nearly halves an import;
// the writer applies jobs in the order they were queued, so the result is
// the same as writing in line.
func (im *Importer) do(ctx context.Context, read func(*run) error) (Report, error) {
	start := time.Now()
	r := &run{im: im, ctx: ctx, rep: Report{BySource: map[string]int{}},
		jobs: make(chan job, 2), wdone: make(chan struct{})}
	r.ledger, _ = im.Store.(Ledger)
	go r.writeLoop()
	err := read(r)
	if err == nil {
		err = r.flush()
	}
	close(r.jobs)
	<-r.wdone
	r.rep.BatchResult.Add(r.written)
	r.rep.Findings.Merge(r.matched)
	if err == nil {
		err = r.werr
	}
	r.rep.Duration = time.Since(start)
	r.progress("")
	if im.Matcher != nil && im.Matcher.Observer != nil {
		im.Matcher.Observer.Imported(r.rep, err)
	}
	return r.rep, err
}

func (im *Importer) source(name string) *Source {
	for i := range im.Sources {
		if im.Sources[i].Name == name {
			return &im.Sources[i]
		}
	}
	return nil
}

func (im *Importer) batchSize() int {
	if im.BatchSize > 0 {
		return im.BatchSize
	}
	return 500
}

// run is the state of one Import call. The reading goroutine owns rep and
// batch; the writer goroutine owns written, and werr until failed is set.
type run struct {
	im    *Importer
	ctx   context.Context
	rep   Report
	batch []advisory.Record
	bytes int64

	// ledger, when the store keeps one, remembers imported documents;
	// docs are the documents whose records the pending batch completes.
	ledger Ledger
	docs   []store.Document
	// known holds the fingerprints of the archive being read, fetched in
	// one query rather than one per entry.
	known map[string]string

	jobs    chan job
	wdone   chan struct{}
	failed  atomic.Bool
	werr    error
	written store.BatchResult
	matched Outcome
}

// job is work for the writer goroutine.
type job func() error

func (r *run) writeLoop() {
	defer close(r.wdone)
	for j := range r.jobs {
		if r.failed.Load() {
			continue // drain, so the reader never blocks on a dead writer
		}
		if err := j(); err != nil {
			r.werr = err
			r.failed.Store(true)
		}
	}
}

// enqueue hands a job to the writer, and returns the writer's error once
// it has failed, so the reader stops reading.
func (r *run) enqueue(j job) error {
	if r.failed.Load() {
		return r.werr
	}
	select {
	case r.jobs <- j:
		return nil
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
}

func (r *run) progress(file string) {
	if r.im.Progress != nil {
		r.im.Progress(Progress{File: file, Read: r.rep.Read, BytesRead: r.bytes})
	}
}

// jsonSchema matches the start of a JSON Schema document, which shares
// field names with the data it describes and would fool a sniffer.
var jsonSchema = regexp.MustCompile(`"\$schema"\s*:\s*"https?://json-schema\.org/`)

// document parses one document and queues its records. inWalk says the
// document was found by walking a directory rather than named.
func (r *run) document(d doc, rd io.Reader) error {
	name, inWalk := d.name, d.inWalk
	br := newPeeker(rd)
	head := br.head()
	src := r.im.source(r.im.Source)
	if src == nil && !jsonSchema.Match(head) {
		for i := range r.im.Sources {
			if r.im.Sources[i].Sniff(name, head) {
				src = &r.im.Sources[i]
				break
			}
		}
	}
	if src == nil {
		if inWalk {
			if len(r.rep.Skipped) < MaxErrors {
				r.rep.Skipped = append(r.rep.Skipped, name)
			}
			return nil
		}
		r.rep.reject(fmt.Errorf("%s: %w (no source recognises it; name one with --source)", name, ErrUnknownFormat))
		return nil
	}
	r.rep.Documents++
	var (
		seen     []string  // ids, for a snapshot
		asOf     time.Time // the snapshot's date: its newest record's
		rejected = r.rep.Rejected
		stale    int // the writer's stale count when the document began
	)
	if src.Snapshot {
		if err := r.enqueue(func() error { stale = r.written.Stale; return nil }); err != nil {
			return err
		}
	}
	for rec, err := range src.Parse(name, br) {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if err != nil {
			r.rep.reject(fmt.Errorf("%s: %w", name, err))
			continue
		}
		r.rep.Read++
		if err := rec.Validate(); err != nil {
			r.rep.reject(fmt.Errorf("%s: %w", name, &feed.RecordError{Record: rec.ID, Err: err}))
			continue
		}
		if src.Snapshot {
			seen = append(seen, rec.ID)
			if rec.Modified.After(asOf) {
				asOf = rec.Modified
			}
		}
		r.rep.BySource[rec.Source]++
		r.batch = append(r.batch, rec)
		if len(r.batch) >= r.im.batchSize() {
			if err := r.flush(); err != nil {
				return err
			}
			r.progress(name)
		}
	}
	clean := r.rep.Rejected == rejected
	if !src.Snapshot {
		// The document is done when the batch holding its last record
		// commits; one with rejected records is read again next time, so
		// that its errors are reported again.
		if clean && r.ledger != nil && d.fingerprint != "" {
			r.docs = append(r.docs, store.Document{Name: name, Fingerprint: d.fingerprint})
		}
		return nil
	}
	if len(seen) == 0 {
		return nil
	}
	if err := r.flush(); err != nil {
		return err
	}
	// Only a complete, current catalogue says what is gone: one with
	// rejected entries might have lost them to a parse error, and an older
	// one than the store holds (its records came back stale) would retire
	// what was added since. Staleness is known once the writer has written
	// the document's batches, so that check is the writer's.
	if !clean {
		return nil
	}
	return r.enqueue(func() error {
		if r.written.Stale > stale {
			return nil
		}
		n, err := r.im.Store.RetireMissing(r.ctx, src.Name, seen, asOf)
		if err != nil {
			return fmt.Errorf("%s: retire records the catalogue no longer carries: %w", name, err)
		}
		r.written.Retired += n
		if r.ledger != nil && d.fingerprint != "" {
			return r.ledger.PutDocuments(r.ctx, []store.Document{{Name: name, Fingerprint: d.fingerprint}})
		}
		return nil
	})
}

// flush queues the pending records as one batch, one transaction, and
// after it the documents the batch completes.
func (r *run) flush() error {
	if len(r.batch) == 0 && len(r.docs) == 0 {
		if r.failed.Load() {
			return r.werr
		}
		return nil
	}
	b, docs := r.batch, r.docs
	r.batch, r.docs = make([]advisory.Record, 0, cap(b)), nil
	put := func(ctx context.Context) (store.BatchResult, error) { return r.im.Store.PutRecords(ctx, b) }
	if p, ok := r.im.Store.(Preparer); ok && len(b) > 0 && !r.failed.Load() {
		put = p.PrepareRecords(b)
	}
	return r.enqueue(func() error {
		if len(b) > 0 {
			res, err := put(r.ctx)
			if err != nil {
				return fmt.Errorf("write batch %s..%s (%d records, rolled back): %w", b[0].ID, b[len(b)-1].ID, len(b), err)
			}
			r.written.Add(res)
			if m := r.im.Matcher; m != nil {
				// The batch is committed whatever happens here; a failed
				// re-match is reported, and `vmc finding rematch` redoes it.
				o, err := m.Records(r.ctx, b)
				if err != nil {
					o.Problems = append(o.Problems, fmt.Sprintf("re-match after batch %s..%s: %v", b[0].ID, b[len(b)-1].ID, err))
				}
				r.matched.Merge(o)
			}
		}
		// A crash between the two transactions only means the documents
		// are read again next time, and found unchanged record by record.
		if len(docs) > 0 {
			if err := r.ledger.PutDocuments(r.ctx, docs); err != nil {
				return fmt.Errorf("record imported documents: %w", err)
			}
		}
		return nil
	})
}
