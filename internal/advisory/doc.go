// Package advisory is vmc's vulnerability record.
//
// A Record is what one source document says about one vulnerability, already
// normalised: a CVE JSON 5 record, an OSV entry, a KEV catalogue row, a day's
// EPSS score. Sources disagree and change their minds, so a Record is never
// stored as the truth. Instead it is flattened into Claims: one value for one
// field (a title in one language, the CVSS v3.1 vector, the reference list),
// each carrying its provenance. When a later import of the same source record
// changes a value, the old claim is kept as history and the new one becomes
// current.
//
// A Vulnerability is the merged view: the current claims of every source
// record that names the vulnerability (by its id or an alias), grouped by
// field and ordered by source precedence. The first claim of each group is the
// chosen value; the rest are kept beside it so a reader can see who said what.
//
// This package knows nothing of storage, HTTP or the command line.
package advisory
