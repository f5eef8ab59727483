// Package baseline is configuration hardening as data: baselines are
// versioned rule sets written from public hardening guidance (each rule
// cites its source), snapshots are what a host's configuration says, and
// Evaluate compares the two rule by rule.
//
// # Baselines
//
// A baseline is a JSON file (data/*.json, embedded; see Builtin) with an
// id, a version and rules. A rule checks one thing of one kind — an sshd
// setting, a kernel parameter, a package, a service, a file's mode and
// owner, a TLS setting — with an operator (Op) over expected values, and
// says why (rationale) and where the advice comes from (source: name,
// URL, section). Titles and rationales are in English and Simplified
// Chinese. Sources are freely published guidance only: the OpenSSH and
// kernel documentation, Mozilla's OpenSSH guidelines, DISA STIGs (public
// domain), the Kernel Self-Protection Project, ANSSI-BP-028 (Licence
// Ouverte / Etalab) and the Debian Security Manual; CIS benchmarks are
// copyrighted and not used.
//
// # Snapshots
//
// A Snapshot is a host's configuration as JSON (docs/baseline-snapshot.md),
// or built from the raw files an administrator can collect without an
// agent (ReadFile): sshd_config and the files it includes, the output of
// sysctl -a, dpkg -l, dpkg-query -W, rpm -qa and systemctl
// list-unit-files. Every reader bounds its input, reports the file, line
// and field of what it cannot read (*ParseError, wrapping ErrSyntax) and
// never panics; each has a fuzz target.
//
// # Results
//
// Evaluate gives every rule a Status — pass, fail, not applicable (the
// host has no such parameter, package or unit) or unknown (the snapshot
// does not cover that kind) — with the expected and the actual value, and
// the compliance of the rules that could be decided. Drift compares two
// evaluations of one baseline: rules that went from pass to fail.
//
// This package knows nothing of storage, HTTP or the command line.
package baseline
