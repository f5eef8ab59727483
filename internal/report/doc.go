// Package report renders findings, SLA compliance and the incident
// review as reports people read: CSV for spreadsheets and PDF for
// circulation, in English ("en") or Simplified Chinese ("zh-CN").
//
// The caller gathers what a report shows ([Findings], [SLA],
// [Incidents]) and picks the language; this package only lays it out. It
// knows nothing of storage, HTTP or the command line.
//
// The incident review ([IncidentsPDF]) also carries charts, drawn by
// package chart as PNGs in the report's language and placed two a row;
// and a TLP label, the narrowest of the incidents it lists and
// TLP:AMBER+STRICT at the least ([Incidents.Label]). Its CSV
// ([IncidentsCSV]) is the period's figures in long form, one line each.
//
// # CSV
//
// [FindingsCSV] and [SLACSV] write one rectangular table each (RFC 4180,
// through encoding/csv, CRLF line ends), with a localised header row and
// no title or summary lines, so that the file sorts, filters and
// re-imports as it is. The file starts with a UTF-8 byte order mark:
// Excel reads a CSV file without one in the machine's ANSI code page
// (GBK on Chinese Windows, Windows-1252 in the West), which turns every
// Chinese title into mojibake; with the mark it reads UTF-8.
//
// Titles come from advisories, and advisories are written by whoever
// files them: a title such as `=cmd|' /C calc'!A0` becomes a formula
// when a spreadsheet opens the file (CSV injection, CWE-1236). Every
// cell that starts with = + - @, a tab or a carriage return gets a
// leading apostrophe, which spreadsheets read as "this is text" (OWASP,
// "CSV Injection"). The apostrophe shows in other tools; that is the
// price of the defence.
//
// # PDF
//
// [FindingsPDF] (A4 landscape) and [SLAPDF] (A4 portrait) use
// github.com/johnfercher/maroto/v2 with the fonts of internal/font, which
// the PDF embeds, so Chinese shows on machines without CJK fonts. The
// CJK font has no Latin letters or digits, so each character is set in
// the Latin font if it has a glyph there, else in the CJK font, else as
// U+FFFD. maroto's own text component cannot switch fonts within a
// line, nor break Chinese text (it breaks lines only at spaces, and a
// title of thirty Chinese characters has none), so the package sets
// text with its own component: it measures with the fonts' advance
// widths, breaks Latin at spaces and CJK between characters (not before
// closing punctuation), and cuts a cell at a few lines with an
// ellipsis. It also paginates itself: rows have fixed heights it
// computed, the table header repeats on every page, and since it knows
// the page count before rendering, every page carries "Page n of N"
// ("第 n 页，共 N 页"), which maroto's page numbers, set in one font,
// could not print.
//
// Text from outside (titles, asset names, filters) is made safe for
// layout first: invalid UTF-8 and control characters become U+FFFD,
// line breaks and tabs become spaces, invisible format characters such
// as bidirectional overrides (which can make a title read backwards)
// are dropped, and a cell is cut long before its size could slow the
// layout down. The CSV keeps the text as given, made valid UTF-8.
//
// Times are shown in the location of the report's GeneratedAt: the
// caller converts it (to Asia/Shanghai, say) to choose the zone.
package report
