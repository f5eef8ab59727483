package sbom

import (
	"bufio"
	"io"

	"github.com/vmc-dev/vmc/internal/sbom/cyclonedx"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
	"github.com/vmc-dev/vmc/internal/sbom/lockfile"
	"github.com/vmc-dev/vmc/internal/sbom/ospkg"
	"github.com/vmc-dev/vmc/internal/sbom/spdx"
)

// Inventory is what one document says an asset runs: its Subject, its
// Components, and the per-component Errors. It is defined in an internal
// package so that the format packages, which this one lists, can return
// it; this alias is its name for everyone else.
type Inventory = inventory.Inventory

// MaxSize bounds the documents Parse reads (64 MiB).
const MaxSize = inventory.MaxSize

// HeadSize is how much of a document Detect needs to see.
const HeadSize = 8 << 10

// Format is one inventory format.
type Format struct {
	Name  string
	Sniff func(name string, head []byte) bool
	Parse func(name string, r io.Reader) (Inventory, error)
}

// Formats lists the formats vmc reads, in the order Detect tries them:
// the two SBOM formats, which have signatures in their content, then
// lockfiles, which are known by file name, then OS package lists, whose
// content has the weakest signature ("Package: ").
//
// ospkg here parses with no release given, so its components have no
// ecosystem; a caller that knows the host's release uses ospkg.Options.
func Formats() []Format {
	return []Format{
		{Name: "cyclonedx", Sniff: cyclonedx.Sniff, Parse: cyclonedx.Parse},
		{Name: "spdx", Sniff: spdx.Sniff, Parse: spdx.Parse},
		{Name: "lockfile", Sniff: lockfile.Sniff, Parse: lockfile.Parse},
		{Name: "ospkg", Sniff: ospkg.Sniff, Parse: ospkg.Parse},
	}
}

// Detect returns the first format that claims a document, from its name
// and its first bytes (HeadSize is enough).
func Detect(name string, head []byte) (Format, bool) {
	for _, f := range Formats() {
		if f.Sniff(name, head) {
			return f, true
		}
	}
	return Format{}, false
}

// ParseAny detects the format of a document and parses it with that
// format's Parse. A document no format claims is an error that names the
// file and wraps feed.ErrFormat.
func ParseAny(name string, r io.Reader) (Inventory, error) {
	br := bufio.NewReaderSize(r, HeadSize)
	head, err := br.Peek(HeadSize)
	if err != nil && err != io.EOF {
		return Inventory{}, inventory.Errorf(name, "read: %v", err)
	}
	f, ok := Detect(name, head)
	if !ok {
		return Inventory{}, inventory.Errorf(name, "not an SBOM, lockfile or package list vmc reads")
	}
	return f.Parse(name, br)
}
