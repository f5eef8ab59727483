package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/trust"
)

// IntegrityTool is the tool integrity findings are the results of: a
// verification is that tool's scan of the host, so a re-measurement that
// matches the manifest resolves what the last one found.
const IntegrityTool = "ima"

// File is a named file's content.
type File struct {
	Name string
	Data []byte
}

// TrustOutcome is what importing a trust snapshot did.
type TrustOutcome struct {
	Posture   trust.Posture `json:"posture"`
	Gaps      []trust.Gap   `json:"gaps"`
	Inventory asset.Change  `json:"inventory"`
	Findings  Outcome       `json:"findings"`
}

// ImportTrust reads a snapshot's files into the posture of the host
// named (created as a host when vmc does not know it), records it, and
// re-matches the host when the snapshot changed its firmware, TPM/TCM
// stack or boot components.
func (m *Matcher) ImportTrust(ctx context.Context, assetName string, files []File, actor string) (TrustOutcome, error) {
	var out TrustOutcome
	var snap trust.Snapshot
	for _, f := range files {
		if err := snap.Add(f.Name, f.Data); err != nil {
			return out, err
		}
	}
	a, err := m.host(ctx, assetName)
	if err != nil {
		return out, err
	}
	p := snap.Finish()
	p.AssetID = a.ID
	p, ch, err := m.Store.PutPosture(ctx, p, actor)
	if err != nil {
		return out, err
	}
	out.Posture, out.Gaps, out.Inventory = p, p.Gaps(), ch
	if len(ch.Added)+len(ch.Removed) > 0 {
		if _, out.Findings, err = m.Asset(ctx, a, nil, "trust snapshot "+strings.Join(p.Sources, ", ")); err != nil {
			return out, err
		}
	}
	return out, nil
}

// host is the asset named, created as a host when vmc does not know it.
func (m *Matcher) host(ctx context.Context, name string) (asset.Asset, error) {
	a, err := m.Store.Asset(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		a, err = m.Store.PutAsset(ctx, asset.Asset{Name: name, Kind: asset.KindHost})
	}
	return a, err
}

// VerifyIntegrity compares a host's measurement list with a manifest and
// files each deviation as an integrity finding of the host: one finding
// per file (the path is its place, its vulnerability "IMA-unknown-binary"
// or "IMA-changed-binary"), the measured digest its version. Findings the
// last verification raised and this one does not are resolved, the
// re-measurement being the evidence. The verification is recorded.
func (m *Matcher) VerifyIntegrity(ctx context.Context, assetName string, list File, manifest File, actor string) (trust.Verification, error) {
	l, err := trust.ParseIMA(list.Name, strings.NewReader(string(list.Data)))
	if err != nil {
		return trust.Verification{}, err
	}
	ref, err := trust.ParseManifest(manifest.Name, strings.NewReader(string(manifest.Data)))
	if err != nil {
		return trust.Verification{}, err
	}
	a, err := m.Store.Asset(ctx, assetName)
	if err != nil {
		return trust.Verification{}, err
	}
	res := trust.Verify(l, ref)
	out, err := m.ImportScan(ctx, integrityReport(a.Name, list.Name, res), list.Name+" against "+manifest.Name, a.Name)
	if err != nil {
		return trust.Verification{}, fmt.Errorf("integrity findings of %s: %w", a.Name, err)
	}
	v := trust.Verification{AssetID: a.ID, List: list.Name, Manifest: manifest.Name, Result: res}
	for _, ch := range out.Changes {
		if ch.Opened {
			v.Opened++
		}
		for _, st := range ch.Steps {
			if st.To == finding.Verified {
				v.Resolved++
			}
		}
	}
	return m.Store.AddVerification(ctx, v, actor)
}

// integrityReport is a verification's deviations as the integrity
// tool's report on the host.
func integrityReport(host, list string, res trust.Comparison) *scan.Report {
	rep := &scan.Report{Tool: IntegrityTool, Targets: []scan.Target{{Kind: scan.TargetHost, Name: host}}}
	for _, d := range res.Deviations {
		r := scan.Result{Rule: string(d.Kind), Location: d.Path,
			Package:  &scan.Package{Name: d.Path, Version: string(d.Algorithm) + ":" + d.Measured, Path: d.Path},
			Evidence: fmt.Sprintf("%s line %d: %s:%s", list, d.Line, d.Algorithm, d.Measured)}
		switch d.Kind {
		case trust.Changed:
			r.Title = "Binary differs from the reference manifest"
			r.Description = "IMA measured a file the reference manifest names with other digests: it was altered, replaced or updated outside the manifest."
			r.Severity, r.ToolSeverity = scan.SevHigh, "high"
			r.Evidence += "; expected " + strings.Join(d.Expected, ", ")
		default:
			r.Title = "Binary not in the reference manifest"
			r.Description = "IMA measured a file the reference manifest does not name: software installed or dropped outside the manifest."
			r.Severity, r.ToolSeverity = scan.SevMedium, "medium"
		}
		rep.Results = append(rep.Results, r)
	}
	return rep
}
