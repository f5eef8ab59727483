// Package archtest holds no code: its test keeps the import direction of
// ../shared/STYLE.md true, the way osv-scanner's depguard rules do. Domain
// packages know nothing of HTTP, SQL or the command line; parsers know
// nothing of storage; stores know nothing of the API.
package archtest
