// Package kev reads CISA's Known Exploited Vulnerabilities catalogue
// (https://www.cisa.gov/known-exploited-vulnerabilities-catalog) into
// advisory records, one per catalogue entry, with Source "kev".
//
// # Format
//
// CISA publishes the catalogue as JSON (known_exploited_vulnerabilities.json,
// defined by known_exploited_vulnerabilities_schema.json) and as CSV
// (known_exploited_vulnerabilities.csv) with the same rows. The JSON is one
// object: title, catalogVersion ("2025.08.25"), dateReleased, count, and the
// array "vulnerabilities". The CSV has a header line and one row per entry,
// with columns named like the JSON fields: cveID, vendorProject, product,
// vulnerabilityName, dateAdded, shortDescription, requiredAction, dueDate,
// knownRansomwareCampaignUse, notes, cwes. Parse tells the two apart by
// content: a document whose first byte (after a BOM and white space) is "{"
// is JSON, anything else is CSV.
//
// # Mapping
//
//   - ID is cveID, checked against the schema's ^CVE-[0-9]{4}-[0-9]{4,19}$.
//   - KEV holds every entry field except shortDescription, which is the
//     record's English description; vulnerabilityName is also its English
//     title. KEV.Catalog is catalogVersion.
//   - cwes become KEV.CWEs and, with Provider "CISA-KEV", Record.CWEs. In the
//     CSV they are one field, "CWE-20, CWE-787", split on commas.
//   - dateAdded and dueDate must be YYYY-MM-DD. dateAdded is required;
//     dueDate, though the schema requires it, may be empty, since it only
//     sets a federal deadline. dateAdded is not Record.Published: it is when
//     CISA listed the CVE, and would compete with the CVE's own date.
//   - Leading and trailing white space is trimmed from every field. In the
//     2025.08.25 catalogue 42 entries have a stray space, and CISA removing
//     one later should not count as a change (see Diff).
//
// # Quirks
//
//   - The CSV has no catalogue version. When its file name carries a date
//     (known_exploited_vulnerabilities-2025-08-25.csv) that date, written
//     as CISA writes versions, is the catalogue version; otherwise Catalog
//     is empty. It is not guessed from the newest dateAdded.
//   - catalogVersion comes before the array in CISA's JSON, and Parse reads
//     it first with the token decoder. A document that put it after the
//     array would yield its entries without Catalog, as streaming cannot go
//     back.
//   - count is not checked against the entries: a cut-short document
//     already fails as JSON, and a trimmed copy keeps its original count.
//   - Columns of the CSV are found by header name, so copies from before
//     2024, which have no cwes column, still read.
//
// # Limits
//
// Parse streams: the JSON array is read one element at a time and the CSV
// one row at a time. An entry or row over 1 MiB (real ones are under 2 KiB)
// is reported and ends the document, because neither decoder can find the
// next entry after one it gave up on.
package kev
