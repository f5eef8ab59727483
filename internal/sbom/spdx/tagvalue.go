package spdx

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// readTagValue reads the packages and relationships of an SPDX tag-value
// document (SPDX 2.3 clause 5 and annex: "Tag: value" lines, values
// spanning lines between <text> and </text>, # comments).
//
// Sections are implicit: a PackageName tag opens a package, and FileName,
// SnippetSPDXID and LicenseID open sections whose tags (their SPDXID
// above all) must not be taken for the package's. Tags vmc does not use
// are skipped wherever they stand, which is what lets the specification's
// example through. Lines that are not tag-value at all are reported and
// skipped; a document with no SPDXVersion tag is not SPDX.
func readTagValue(name string, data []byte, b *inventory.Builder) (*document, error) {
	doc := &document{}
	type section int
	const (
		header section = iota
		inPackage
		other
	)
	var (
		sec     = header
		cur     *pkg
		version string
		// a <text> value spanning lines: its tag and first line
		textTag  string
		textLine int
	)
	flush := func() {
		if cur != nil {
			doc.packages = append(doc.packages, *cur)
			cur = nil
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	// Licence texts and comments can be long single lines; the document is
	// already bounded, so a line may be as long as the document.
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if textTag != "" {
			if strings.Contains(line, "</text>") {
				textTag = ""
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		tag, value, ok := strings.Cut(trimmed, ":")
		if !ok || strings.ContainsAny(tag, " \t") {
			b.Report("line "+strconv.Itoa(n), "", "not a tag-value line: %.60q", trimmed)
			continue
		}
		value = strings.TrimSpace(value)
		if rest, ok := strings.CutPrefix(value, "<text>"); ok {
			if inner, _, ok := strings.Cut(rest, "</text>"); ok {
				value = inner
			} else {
				// Multi-line values are free text (comments, licence
				// texts, descriptions), none of which vmc reads.
				textTag, textLine = tag, n
				continue
			}
		}
		switch tag {
		case "SPDXVersion":
			version = value
		case "DocumentName":
			if sec == header {
				doc.name = value
			}
		case "PackageName":
			flush()
			sec = inPackage
			cur = &pkg{name: value, line: n}
		case "FileName", "SnippetSPDXID", "LicenseID":
			flush()
			sec = other
		case "SPDXID":
			if sec == inPackage && cur != nil && cur.id == "" {
				cur.id = value
			}
		case "PackageVersion":
			if cur != nil {
				cur.version = value
			}
		case "PackageLicenseConcluded", "PackageLicenseDeclared":
			if cur != nil {
				cur.licenses = append(cur.licenses, value)
			}
		case "ExternalRef":
			if cur == nil {
				break
			}
			f := strings.Fields(value)
			if len(f) != 3 {
				b.Report(packageRecord(cur, n), "ExternalRef", "want CATEGORY TYPE LOCATOR, got %q", value)
				break
			}
			cur.refs = append(cur.refs, externalRef{f[0], f[1], f[2]})
		case "Relationship":
			f := strings.Fields(value)
			if len(f) != 3 {
				b.Report("line "+strconv.Itoa(n), "Relationship", "want SPDXID TYPE SPDXID, got %q", value)
				break
			}
			doc.relationships = append(doc.relationships, relationship{tvElementID(f[0]), f[1], tvElementID(f[2])})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, inventory.Errorf(name, "line %d: %v", n+1, err)
	}
	if textTag != "" {
		b.Report("line "+strconv.Itoa(textLine), textTag, "<text> not closed by </text>")
	}
	flush()
	if !strings.HasPrefix(version, "SPDX-2.") {
		return nil, inventory.Errorf(name, "SPDXVersion: %q, want SPDX-2.x tag-value", version)
	}
	return doc, nil
}

func packageRecord(p *pkg, line int) string {
	if p.id != "" {
		return p.id
	}
	return "line " + strconv.Itoa(line)
}

// tvElementID keeps ids of this document, as JSON reading does: NONE,
// NOASSERTION and DocumentRef-x:SPDXRef-y become "".
func tvElementID(id string) string {
	if !strings.HasPrefix(id, "SPDXRef-") {
		return ""
	}
	return id
}

func itoa(n int) string { return strconv.Itoa(n) }
