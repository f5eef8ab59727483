package mirror

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/signing"
	"github.com/vmc-dev/vmc/internal/store"
)

// Store is what export reads and import writes.
type Store interface {
	ListVulns(ctx context.Context, q store.VulnQuery) (store.VulnPage, error)
	Vuln(ctx context.Context, id string, opts store.VulnOptions) (advisory.Vulnerability, error)
	PutRecords(ctx context.Context, recs []advisory.Record) (store.BatchResult, error)
	DocumentFingerprints(ctx context.Context, prefix string) (map[string]string, error)
	PutDocuments(ctx context.Context, docs []store.Document) error
}

// BatchSize is how many vulnerabilities' records a batch carries.
const BatchSize = 500

// ExportOptions shape an export.
type ExportOptions struct {
	// Since exports only vulnerabilities changed at or after it (a
	// previous bundle's Mark); zero exports everything.
	Since  time.Time
	Origin string
	// TempDir holds the batches until the bundle is assembled; default
	// the system's.
	TempDir string
	// BatchSize is how many vulnerabilities' records a batch carries;
	// default BatchSize.
	BatchSize int
	Now       time.Time
}

// Export writes a bundle of the vulnerabilities changed since
// opts.Since to w, signed with key, and returns its manifest.
func Export(ctx context.Context, s Store, w io.Writer, key *signing.Key, opts ExportOptions) (Manifest, error) {
	m := Manifest{Format: Format, Origin: opts.Origin, Since: opts.Since.UTC(), Mark: opts.Now.UTC()}
	tmp, err := os.MkdirTemp(opts.TempDir, "vmc-mirror-")
	if err != nil {
		return m, fmt.Errorf("mirror export: %w", err)
	}
	defer os.RemoveAll(tmp)
	size := opts.BatchSize
	if size <= 0 {
		size = BatchSize
	}
	bw, vulns := newBatchWriter(), 0
	flush := func() error {
		if bw.entries == 0 {
			return nil
		}
		body, err := bw.close()
		if err != nil {
			return err
		}
		b := Batch{Name: batchName(len(m.Batches) + 1), SHA256: sha256Hex(body), Size: int64(len(body)), Entries: bw.entries}
		if err := os.WriteFile(filepath.Join(tmp, filepath.Base(b.Name)), body, 0o600); err != nil {
			return fmt.Errorf("mirror export: %w", err)
		}
		m.Batches = append(m.Batches, b)
		bw, vulns = newBatchWriter(), 0
		return nil
	}
	q := store.VulnQuery{UpdatedSince: opts.Since, Sort: "id", Limit: 1000}
	for {
		page, err := s.ListVulns(ctx, q)
		if err != nil {
			return m, fmt.Errorf("mirror export: %w", err)
		}
		for _, sum := range page.Items {
			v, err := s.Vuln(ctx, sum.ID, store.VulnOptions{History: true})
			if errors.Is(err, store.ErrNotFound) {
				continue // merged away since the page was read
			}
			if err != nil {
				return m, fmt.Errorf("mirror export: %s: %w", sum.ID, err)
			}
			for _, e := range entriesOf(v) {
				if err := bw.add(e); err != nil {
					return m, err
				}
			}
			if vulns++; vulns >= size {
				if err := flush(); err != nil {
					return m, err
				}
			}
		}
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	if err := flush(); err != nil {
		return m, err
	}
	err = writeBundle(w, m, func(i int) ([]byte, error) {
		return os.ReadFile(filepath.Join(tmp, filepath.Base(m.Batches[i].Name)))
	}, key, opts.Now)
	return m, err
}

type recordKey struct{ source, record, document string }

// entriesOf splits a vulnerability into its source records, each with
// every claim it made, current and replaced.
func entriesOf(v advisory.Vulnerability) []Entry {
	byKey := map[recordKey]*Entry{}
	var order []recordKey
	for _, ref := range v.Sources {
		k := recordKey{ref.Source, ref.Record, ref.Document}
		byKey[k] = &Entry{Source: ref.Source, Record: ref.Record, Document: ref.Document, Modified: ref.Modified.UTC(), Retired: ref.Retired.UTC()}
		order = append(order, k)
	}
	add := func(c advisory.Claim) {
		k := recordKey{c.Source, c.Record, c.Document}
		e := byKey[k]
		if e == nil {
			return
		}
		c.Provenance = advisory.Provenance{Seen: c.Seen.UTC(), Replaced: c.Replaced.UTC()}
		e.Claims = append(e.Claims, c)
	}
	for _, fv := range v.Fields {
		for _, c := range fv.Claims {
			add(c)
		}
	}
	for _, c := range v.History {
		add(c)
	}
	out := make([]Entry, 0, len(order))
	for _, k := range order {
		if e := byKey[k]; len(e.Claims) > 0 {
			out = append(out, *e)
		}
	}
	return out
}

// recordOf is the record that states claims, as the source's record
// e: the inverse of advisory.Record.Claims. It decodes each value into
// its field as it is, where the merged view (Vulnerability.Record)
// would fold lists by key: a source may list one URL twice.
func recordOf(e Entry, claims []advisory.Claim) (advisory.Record, error) {
	r := advisory.Record{Source: e.Source, ID: e.Record, Document: e.Document}
	for _, c := range claims {
		var err error
		into := func(v any) { err = json.Unmarshal(c.Value, v) }
		switch c.Field {
		case advisory.FieldAliases:
			into(&r.Aliases)
		case advisory.FieldRelated:
			into(&r.Related)
		case advisory.FieldPublished:
			into(&r.Published)
		case advisory.FieldModified:
			into(&r.Modified)
		case advisory.FieldWithdrawn:
			into(&r.Withdrawn)
		case advisory.FieldState:
			into(&r.State)
		case advisory.FieldTitle, advisory.FieldDescription:
			var t string
			into(&t)
			if c.Field == advisory.FieldTitle {
				r.Titles = append(r.Titles, advisory.Text{Lang: c.Key, Value: t})
			} else {
				r.Descriptions = append(r.Descriptions, advisory.Text{Lang: c.Key, Value: t})
			}
		case advisory.FieldCWEs:
			into(&r.CWEs)
		case advisory.FieldSeverity:
			var sv advisory.Severity
			into(&sv)
			r.Severities = append(r.Severities, sv)
		case advisory.FieldAffected:
			into(&r.Affected)
		case advisory.FieldReferences:
			into(&r.References)
		case advisory.FieldCredits:
			into(&r.Credits)
		case advisory.FieldNotes:
			into(&r.Notes)
		case advisory.FieldTLP:
			into(&r.TLP)
		case advisory.FieldKEV:
			r.KEV = new(advisory.KEV)
			into(r.KEV)
		case advisory.FieldEPSS:
			r.EPSS = new(advisory.EPSS)
			into(r.EPSS)
		case advisory.FieldSSVC:
			r.SSVC = new(advisory.SSVC)
			into(r.SSVC)
		case advisory.FieldConfigurations:
			r.Configurations = slices.Clone(c.Value)
		default:
			err = errors.New("unknown field")
		}
		if err != nil {
			return r, fmt.Errorf("claim %s[%s]: %w", c.Field, c.Key, err)
		}
	}
	return r, nil
}

// maxVersionWork bounds versions' work: claims × distinct times.
const maxVersionWork = 1 << 26

// versions are the states of e's record, oldest first: at each time a
// claim was seen, the claims current then. Consecutive equal states are
// one.
func versions(e Entry) ([]advisory.Record, []string, error) {
	var times []time.Time
	for _, c := range e.Claims {
		times = append(times, c.Seen)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	times = slices.CompactFunc(times, func(a, b time.Time) bool { return a.Equal(b) })
	// Working out the versions reads every claim once per version: an
	// entry whose product is huge (a hostile line of a million claims,
	// each at its own time) is refused rather than left to run for hours.
	// Real records stay far below: years of daily EPSS scores are a few
	// thousand versions of a dozen claims.
	if int64(len(times))*int64(len(e.Claims)) > maxVersionWork {
		return nil, nil, fmt.Errorf("%d claims at %d times: more history than vmc replays (%d)", len(e.Claims), len(times), maxVersionWork)
	}
	var recs []advisory.Record
	var hashes []string
	for _, t := range times {
		var state []advisory.Claim
		for _, c := range e.Claims {
			if !c.Seen.After(t) && (c.Replaced.IsZero() || c.Replaced.After(t)) {
				state = append(state, c)
			}
		}
		if len(state) == 0 {
			continue
		}
		r, err := recordOf(e, state)
		if err != nil {
			return nil, nil, err
		}
		h := advisory.HashClaims(r.Claims())
		if n := len(hashes); n > 0 && hashes[n-1] == h {
			continue
		}
		recs, hashes = append(recs, r), append(hashes, h)
	}
	return recs, hashes, nil
}

// ImportOptions shape an import.
type ImportOptions struct {
	Limits Limits
	Now    time.Time
	// Progress, when set, hears of each batch as it is committed.
	Progress func(b Batch, res store.BatchResult)
}

// Report says what an import did.
type Report struct {
	Manifest Manifest
	ID       string
	// Batches were imported now; Resumed were imported by an earlier
	// run and skipped.
	Batches, Resumed int
	Entries          int
	// Written counts the record versions written; Result sums what the
	// store made of them.
	Written int
	Result  store.BatchResult
}

// Import verifies the bundle in r against v and writes what the store
// lacks, one transaction per batch.
func Import(ctx context.Context, s Store, r io.Reader, v *signing.Verifier, opts ImportOptions) (Report, error) {
	var rep Report
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	br, err := Open(r, v, opts.Limits, opts.Now)
	if err != nil {
		return rep, err
	}
	rep.Manifest, rep.ID = br.Manifest, br.ID
	prefix := "mirror:" + br.ID + "/"
	done, err := s.DocumentFingerprints(ctx, prefix)
	if err != nil {
		return rep, err
	}
	for {
		b, entries, err := br.Next(func(b Batch) bool { return done[prefix+b.Name] == b.SHA256 })
		if err == io.EOF {
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
		if entries == nil && done[prefix+b.Name] == b.SHA256 {
			rep.Resumed++
			continue
		}
		var recs []advisory.Record
		for _, e := range entries {
			todo, err := missing(ctx, s, e)
			if err != nil {
				return rep, fmt.Errorf("%s: %s %s: %w", b.Name, e.Source, e.Record, err)
			}
			recs = append(recs, todo...)
		}
		res, err := s.PutRecords(ctx, recs)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", b.Name, err)
		}
		// Recorded after the batch committed: a run killed in between
		// reads the batch again next time and finds nothing to write.
		if err := s.PutDocuments(ctx, []store.Document{{Name: prefix + b.Name, Fingerprint: b.SHA256}}); err != nil {
			return rep, err
		}
		rep.Batches++
		rep.Entries += len(entries)
		rep.Written += len(recs)
		rep.Result.New += res.New
		rep.Result.Changed += res.Changed
		rep.Result.Unchanged += res.Unchanged
		rep.Result.Stale += res.Stale
		rep.Result.Merged += res.Merged
		if opts.Progress != nil {
			opts.Progress(b, res)
		}
	}
}

// missing returns the versions of e's record the store does not have
// yet: those after the one it holds, all of them when it holds none, and
// the newest alone when what it holds is no version of the bundle's (its
// own history diverged, and it is brought to the origin's state).
func missing(ctx context.Context, s Store, e Entry) ([]advisory.Record, error) {
	recs, hashes, err := versions(e)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	v, err := s.Vuln(ctx, e.Record, store.VulnOptions{})
	if errors.Is(err, store.ErrNotFound) {
		return recs, nil
	}
	if err != nil {
		return nil, err
	}
	var held []advisory.Claim
	for _, fv := range v.Fields {
		for _, c := range fv.Claims {
			if c.Source == e.Source && c.Record == e.Record && c.Document == e.Document {
				held = append(held, c)
			}
		}
	}
	if len(held) == 0 {
		return recs, nil
	}
	r, err := recordOf(e, held)
	if err != nil {
		return nil, err
	}
	h := advisory.HashClaims(r.Claims())
	for i := len(hashes) - 1; i >= 0; i-- {
		if hashes[i] == h {
			return recs[i+1:], nil
		}
	}
	return recs[len(recs)-1:], nil
}
