// Package maintenance is environment hardening as vmc keeps it: OWASP
// SAMM v2's Environment Management practice (O-EM, streams A
// Configuration Hardening and B Patching and Updating, levels 1–3, which
// issue 13 calls EH1–EH3) and NIST SP 800-40 Rev. 4's enterprise patch
// management planning (https://doi.org/10.6028/NIST.SP.800-40r4).
//
//   - EH1, know the environment: versioned environment specifications
//     per asset (Spec), and the critical security upgrades the open
//     findings call for, with the fixed versions their advisories name
//     (Upgrades).
//   - EH2, routine patching: maintenance groups of assets with their
//     maintenance windows and plans (Group, Plan: SP 800-40r4 §3), the
//     findings that trigger emergency patching now (Triggers), and patch
//     plans (PatchPlan) whose progress is measured from re-scans
//     (Measure), never from what someone claims.
//   - EH3, verify against best practice: the protective tools on each
//     asset and the gaps in their coverage (Gaps), and scheduled
//     configuration audits with their runs (AuditPlan, AuditRun).
//
// Assets join a group through their own maintenance_group field
// (asset.Asset.MaintenanceGroup). This package knows nothing of storage,
// HTTP or the command line.
package maintenance
