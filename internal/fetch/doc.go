// Package fetch downloads upstream advisory feeds into a cache directory,
// one directory per source, and hands each finished file to an Import
// function. It knows URLs, HTTP and file names; it does not know the store
// or the formats, which are ingest's business. The command line passes an
// Import that runs the importer.
//
// # Sources
//
//   - CVE: the CVE Program's cvelistV5 release assets on GitHub. The
//     latest release (GitHub REST API, "Get the latest release") lists a
//     daily baseline, YYYY-MM-DD_all_CVEs_at_midnight.zip.zip, a zip that
//     holds one zip, cves.zip, of every record at midnight UTC; and an
//     hourly YYYY-MM-DD_delta_CVEs_at_HHMMZ.zip of the records added or
//     changed since that midnight, under deltaCves/. A sync imports a
//     baseline it has not imported before, then the day's delta.
//     https://github.com/CVEProject/cvelistV5#releases
//   - OSV: osv.dev's per-ecosystem bulk zips,
//     https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip.
//     https://google.github.io/osv.dev/data/#data-dumps
//   - NVD: the CVE API 2.0, paged with startIndex and resultsPerPage, and
//     after the first complete walk asked only for what changed since the
//     last sync (lastModStartDate/lastModEndDate).
//     https://nvd.nist.gov/developers/vulnerabilities
//   - KEV: CISA's Known Exploited Vulnerabilities catalogue, one JSON file.
//     https://www.cisa.gov/known-exploited-vulnerabilities-catalog
//   - EPSS: FIRST's daily scores, epss_scores-YYYY-MM-DD.csv.gz.
//     https://www.first.org/epss/data_stats
//   - EUVD: ENISA's European Union Vulnerability Database search API,
//     paged by date (see EUVDClient).
//   - CSAF: trusted providers (CSAF 2.0 section 7): provider-metadata.json
//     found from a URL or domain, directory distributions (changes.csv,
//     index.txt) and ROLIE feeds, each document's hashes and OpenPGP
//     signature checked against the provider's keys (see CSAF).
//
// # Files and state
//
// A download streams into a hidden temporary file in the cache directory
// and is renamed to its name only once complete, so a killed sync leaves
// no half file for anyone to import; the leftover temporary file is
// removed by the next download of the same name. Every download has a size
// limit, counted on the bytes received rather than on a Content-Length the
// server could lie about, and fails when nothing arrives for a while.
//
// Each cache directory holds a state.json (written the same way): the
// validators (ETag, Last-Modified) of what was last imported from each
// URL, which the next request sends back so that an unchanged file costs a
// 304 and no import; and, for NVD, the watermark the next incremental
// sync starts from. State is saved only after Import accepted a file. A
// file that failed to import is therefore fetched and offered again, never
// skipped as unchanged.
//
// Two syncs of one source must not run at the same time (the command line
// and a server's schedule, say): they would share the cache directory.
//
// # Politeness
//
// Requests carry the User-Agent vmc/<version>. Responses 429 and 5xx, and
// NVD's 403 (its answer to a client over the rate limit), are retried a
// bounded number of times with exponential backoff, honouring Retry-After.
// NVD requests also wait for a Limiter: NVD allows 5 requests in a rolling
// 30 s window without an API key and 50 with one.
package fetch
