// Package risk scores vulnerabilities and decides how urgently a finding
// needs work: CVSS scores, SSVC decisions, and the inputs (EPSS, KEV, the
// asset's context) that turn them into a finding's priority. Its functions
// are pure: no storage, network or clock.
//
// # CVSS
//
// [ParseCVSS] reads a CVSS v2.0, v3.0, v3.1 or v4.0 vector and returns its
// base, temporal (v4.0: threat) and environmental scores and its severity.
// Scoring is github.com/pandatix/go-cvss, which follows FIRST's
// specifications and calculators (for v4.0, the calculator's MacroVector
// lookup tables). vmc wraps it rather than reimplementing the formulas,
// and adds:
//
//   - Validation that names the metric at fault. go-cvss says only
//     "invalid metric value"; vmc checks each metric against the
//     specification's table first (cvss_metrics.go), so a typo in an
//     advisory reads `metric AV: invalid value "X" (N, A, L, P)`.
//   - Partial v2.0 metric groups, which FIRST's v2.0 schema and Red Hat's
//     library accept and go-cvss rejects; and v2.0 scores below zero
//     (-0.0, and a negative adjusted base from a low requirement), which
//     vmc clamps to 0.
//   - A severity for v2.0, which has no official rating scale: NVD's bands.
//   - Environmental scores from the asset a vulnerability is found on
//     ([AssetContext], [ContextMetrics], [Environmental]): criticality sets
//     the security requirements, exposure lowers the attack vector. The
//     rules and their reasons are documented on [ContextMetrics].
//
// The scores are tested against Red Hat's 7,667 scored vectors in
// ../shared/data/cvss/redhat-vectors (from github.com/RedHatProductSecurity/cvss,
// LGPL-3.0), which reproduce FIRST's calculators, and the parser is fuzzed.
// Six of those vectors go-cvss v0.6.4 scores 0.1 lower than FIRST: ties at
// x.x5 that float arithmetic lands just below, which FIRST's calculators
// round up (v4.0 adds 1e-6 before rounding; v2.0 is decimal arithmetic).
// vmc does not patch go-cvss's formulas; the test lists the six and fails
// when one changes, so that an upgrade that fixes them is noticed.
package risk
