package export

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/osv"
	"github.com/vmc-dev/vmc/internal/store"
)

// BulkStore is what a bulk export reads and records.
type BulkStore interface {
	ListVulns(ctx context.Context, q store.VulnQuery) (store.VulnPage, error)
	store.Stamps
	AdvisorySettings(ctx context.Context) (incident.AdvisorySettings, error)
	Record(ctx context.Context, e audit.Entry) error
}

// BulkReport counts what a bulk export wrote and left out.
type BulkReport struct {
	// Written counts the vulnerabilities written, by ecosystem; one that
	// names packages of two ecosystems is in both archives.
	Written map[string]int `json:"written"`
	// Withheld counts those not for the public (TLP beyond CLEAR, under
	// embargo), NoPackage those OSV cannot express (no affected package
	// in an OSV ecosystem), by reason.
	Withheld  int            `json:"withheld"`
	NoPackage map[string]int `json:"no_package"`
}

// OSVTree writes every vulnerability s holds that may go to the public
// as OSV, each record as Vuln writes it for the public, into osv.dev's
// bulk layout under dir: dir/osv-scalibr/<Ecosystem>/all.zip, a flat zip
// of <id>.json, one archive per ecosystem a record names (AlmaLinux:8
// and AlmaLinux:9 share AlmaLinux's). That is the layout osv-scanner's
// --local-db-path reads offline. Each archive appears whole, by rename,
// and replaces the one before; the export is in the audit log once.
func OSVTree(ctx context.Context, s BulkStore, dir, actor string, now time.Time) (BulkReport, error) {
	rep := BulkReport{Written: map[string]int{}, NoPackage: map[string]int{}}
	set, err := s.AdvisorySettings(ctx)
	if err != nil {
		return rep, err
	}
	tmp, err := os.MkdirTemp(dir, ".vmc-osv-*")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	zips := map[string]*zip.Writer{}
	files := map[string]*os.File{}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	archive := func(eco string) (*zip.Writer, error) {
		if z, ok := zips[eco]; ok {
			return z, nil
		}
		f, err := os.Create(filepath.Join(tmp, eco+".zip"))
		if err != nil {
			return nil, err
		}
		files[eco], zips[eco] = f, zip.NewWriter(f)
		return zips[eco], nil
	}
	q := store.VulnQuery{Limit: 500, Sort: "id"}
	for {
		p, err := s.ListVulns(ctx, q)
		if err != nil {
			return rep, err
		}
		ids := make([]string, len(p.Items))
		for i, v := range p.Items {
			ids[i] = v.ID
		}
		stamps, err := s.VulnStamps(ctx, ids)
		if err != nil {
			return rep, err
		}
		vs, err := s.Vulns(ctx, ids)
		if err != nil {
			return rep, err
		}
		for _, id := range ids {
			st, ok := stamps[id]
			v, ok2 := vs[id]
			if !ok || !ok2 {
				continue // merged into another while the page was read
			}
			if Releasable(st, now) != nil {
				rep.Withheld++
				continue
			}
			d, err := Document(v, set.Publisher, incident.Clear, now)
			if err != nil {
				return rep, err
			}
			b, err := osv.Marshal(d)
			if errors.Is(err, publish.ErrInvalid) && !errors.Is(err, publish.ErrSchema) {
				rep.NoPackage[noPackageReason(err)]++
				continue
			}
			if err != nil {
				return rep, err
			}
			for _, eco := range ecosystems(d.Vuln) {
				z, err := archive(eco)
				if err != nil {
					return rep, err
				}
				w, err := z.Create(osv.ID(d.ID) + ".json")
				if err != nil {
					return rep, err
				}
				if _, err := w.Write(b); err != nil {
					return rep, fmt.Errorf("%s: %s: %w", eco, d.ID, err)
				}
				rep.Written[eco]++
			}
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	for eco, z := range zips {
		if err := z.Close(); err != nil {
			return rep, fmt.Errorf("%s.zip: %w", eco, err)
		}
		if err := files[eco].Close(); err != nil {
			return rep, fmt.Errorf("%s.zip: %w", eco, err)
		}
		to := filepath.Join(dir, "osv-scalibr", eco)
		if err := os.MkdirAll(to, 0o755); err != nil {
			return rep, err
		}
		if err := os.Rename(filepath.Join(tmp, eco+".zip"), filepath.Join(to, "all.zip")); err != nil {
			return rep, err
		}
	}
	n := 0
	for _, k := range rep.Written {
		n += k
	}
	why := fmt.Sprintf("OSV, all public vulnerabilities (%d records in %d ecosystems), TLP:CLEAR, for the public", n, len(rep.Written))
	return rep, s.Record(ctx, audit.Entry{Actor: actor, Action: "vuln.export", Object: "vuln:*", Reason: why})
}

// ecosystems are the OSV ecosystems of a record's package entries, as
// osv-scanner names its databases: without a release ("AlmaLinux:8" is
// AlmaLinux's). Entries Entry leaves out do not count.
func ecosystems(r advisory.Record) []string {
	var out []string
	for _, a := range r.Affected {
		eco, _, err := osv.Package(a)
		if err != nil || !publish.Named(a) {
			continue
		}
		base, _, _ := strings.Cut(eco, ":")
		if !slices.Contains(out, base) {
			out = append(out, base)
		}
	}
	return out
}

// noPackageReason is a refusal without the record's own words.
func noPackageReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "invalid document: "); i >= 0 {
		msg = msg[i+len("invalid document: "):]
	}
	if i := strings.Index(msg, `" is no package`); i >= 0 {
		return "a product that is no package in an OSV ecosystem"
	}
	return msg
}
