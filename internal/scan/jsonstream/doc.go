// Package jsonstream reads a scanner report's JSON the way every parser
// under scan/ that streams needs it: the document's outer structure token
// by token (Reader.Object, Reader.Array), and each record as one value
// (Reader.Raw, Reader.Decode), so that a report of 100,000 records is
// never held in memory twice and a bad record is named by its position.
//
// # Memory
//
// One value read whole, a record or a top-level member that is not
// streamed, may be at most 64 MiB. The decoder buffers a value before
// decoding it, so without a bound one hostile record could take all
// memory; 64 MiB is far above any real record (the largest in the samples
// is under 100 KiB). The bound moves forward with each value, so a
// document of any length is read as long as each of its values fits.
//
// # Errors
//
// Located turns an error of this package into a *feed.RecordError naming
// the record and the field, whose cause wraps feed.ErrFormat. A field of
// the wrong type inside a decoded value is a *FieldError carrying its path
// relative to that value, and Located appends that path to the field:
//
//	Results[2] requirements.txt: Vulnerabilities[5] CVE-2022-40897: CVSS.nvd.V3Score: malformed input: got JSON string, want number
//
// A failure of the io.Reader under the document is not a fault of the
// document: it is located like the others ("read: …") but does not wrap
// feed.ErrFormat.
//
// # Values
//
// Beside the Reader are the readings the report formats share: a
// document's first byte (First, HeadStart), CVSS scores (Score,
// ParseScore), values tools write either as one string or as a list
// (StringList), the kind of a raw value (KindOf) and timestamps
// (ParseTime).
package jsonstream
