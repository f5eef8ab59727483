// Package epss reads FIRST's Exploit Prediction Scoring System daily score
// files (https://www.first.org/epss/data_stats) into advisory records, one
// per CVE, with Source "epss" and the score in Record.EPSS.
//
// # Format
//
// FIRST publishes one gzip CSV a day, epss_scores-YYYY-MM-DD.csv.gz, scoring
// every published CVE (about 250,000 rows by 2025). The importer
// decompresses it; Parse reads the CSV. Its header has changed over time:
//
//	2021-04-14  cve,epss
//	2021-09-01  cve,epss,percentile
//	2022-02-04  #model_version:v2022.01.01,score_date:2022-02-04T00:00:00+0000
//	            cve,epss,percentile
//
// The comment line, when present, is the first line. Its pairs are split at
// the first colon, since score_date's time holds colons, and keys other than
// model_version and score_date are ignored. Columns are found by header
// name, so their order does not matter and extra columns are ignored.
//
// # Mapping
//
//   - ID is the cve column, checked as ^CVE-[0-9]{4}-[0-9]{4,19}$.
//   - EPSS.Score is the epss column and EPSS.Percentile the percentile
//     column, each a number in [0, 1]. Files without a percentile column
//     leave it 0, which advisory.EPSS omits.
//   - EPSS.Model is model_version ("v2023.03.01"), empty before 2022-02-04.
//   - EPSS.Date is the calendar date of score_date as written (FIRST writes
//     midnight UTC, "2023-03-07T00:00:00+0000"). A file without the comment
//     line takes the date from its name, epss_scores-YYYY-MM-DD.csv(.gz);
//     with neither, Parse yields one error and no records, since a score
//     without its day cannot be ordered against others. When both exist,
//     the comment wins: it is part of the content, and a name can be changed
//     by whoever saved the file.
//
// The file as a whole is not a type here: every record carries the file's
// model and date, so a consumer that wants the file back (a test comparing
// with the upstream expected output does) rebuilds it from the records.
//
// # Errors and limits
//
// A bad row (a malformed CVE id, a score that is not a number or is outside
// [0, 1], a missing column) is reported as a *feed.RecordError naming the
// line and the column, and the next row is read. A header without cve or
// epss, an unreadable score_date or no date at all ends the file with one
// error. Parse streams: it holds one row at a time. A line over 1 MiB (real
// ones are under 50 bytes) is reported; one far over it ends the file, as
// the reader will not buffer it.
package epss
