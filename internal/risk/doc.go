// Package risk scores vulnerabilities and decides how urgently a finding
// needs work: CVSS scores, SSVC decisions, and the inputs (EPSS, KEV, the
// asset's context) that turn them into a finding's priority. Its functions
// are pure: no storage, network or clock.
//
// # CVSS
//
// [ParseCVSS] reads a CVSS v2.0, v3.0, v3.1 or v4.0 vector and returns its
// base, temporal (v4.0: threat) and environmental scores and its severity.
// The scores are the specifications' and FIRST's calculators':
//
//   - v2.0 (cvss20.go): the Complete Guide's equations in exact integer
//     arithmetic. In float64, as go-cvss computes them, ties at x.x5 such
//     as 9.0 × 0.95 = 8.55 land a hair below and round down; the guide's
//     round_to_1_decimal, and Red Hat's Decimal arithmetic, round them up.
//   - v3.0 and v3.1: github.com/pandatix/go-cvss, which the tests check
//     against the equations in exact arithmetic with each version's
//     rounding (plain Round up in v3.0, Roundup in v3.1).
//   - v4.0 (cvss40.go): FIRST's calculator algorithm over its lookup
//     tables (cvss40_tables.go, BSD-2-Clause, see NOTICE), in the same
//     float64 operations, and rounded as the calculator rounds: half up
//     after adding 1e-6, so that a tie float arithmetic lands just below
//     still rounds up. go-cvss omits the 1e-6 (pandatix/go-cvss#292) and
//     scores 450 of the 104,976 base vectors 0.1 lower; the tests check
//     that every difference from go-cvss is such a tie.
//
// Around the scoring vmc adds:
//
//   - Validation that names the metric at fault (cvss_metrics.go), so
//     that a typo in an advisory reads
//     `metric AV: invalid value "X" (N, A, L, P)`.
//   - Partial v2.0 metric groups, which FIRST's v2.0 schema and Red Hat's
//     library accept; and v2.0 scores below zero (a negative adjusted base
//     from a low requirement), which vmc clamps to 0.
//   - A severity for v2.0, which has no official rating scale: NVD's bands.
//   - Environmental scores from the asset a vulnerability is found on
//     ([AssetContext], [ContextMetrics], [Environmental]): criticality sets
//     the security requirements, exposure lowers the attack vector. The
//     rules and their reasons are documented on [ContextMetrics].
//
// The scores reproduce all 7,667 of Red Hat's scored vectors in
// ../shared/data/cvss/redhat-vectors (from github.com/RedHatProductSecurity/cvss,
// LGPL-3.0), which follow FIRST's calculators, and the parser is fuzzed.
package risk
