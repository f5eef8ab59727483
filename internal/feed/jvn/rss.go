package jvn

import (
	"encoding/xml"
	"io"
	"iter"
)

// Namespaces of the JVN iPedia RSS feed (jvnrss_2.0.xsd,
// https://jvndb.jvn.jp/schema/jvnrss_2.0.xsd). Only the root element is
// checked against its namespace; inside an item, elements are matched by
// local name, as vuls-data-update does, because the MyJVN API serves the
// same items under mod_sec 3.0 (http://jvn.jp/rss/mod_sec/3.0/).
const (
	rdfNS    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	modSecNS = "http://jvn.jp/rss/mod_sec/"
)

// Item is one <item> of a JVN iPedia RSS 1.0 feed (jvndb.rdf,
// jvndb_new.rdf, jvndb_YYYY.rdf), in the shape github.com/MaineK00n/
// vuls-data-update writes it (pkg/fetch/jvn/feed/rss, one JSON file per
// advisory), so that its expected outputs can be compared with ours.
// Values are the feed's text, untrimmed and unparsed.
//
// The elements are RSS 1.0's (https://web.resource.org/rss/1.0/spec),
// Dublin Core's and JVN's mod_sec module's, as jvnrss_2.0.xsd combines
// them.
type Item struct {
	// About is rdf:about, the advisory's page.
	About string `xml:"about,attr" json:"about,omitempty"`
	// Title is the advisory's title (RSS title).
	Title string `xml:"title" json:"title,omitempty"`
	// Link is the advisory's page again (RSS link).
	Link string `xml:"link" json:"link,omitempty"`
	// Description is the advisory's overview (RSS description). JVN
	// writes its line ends as "&#13;\n", so they arrive as "\r\n".
	Description string `xml:"description" json:"description,omitempty"`
	// Identifier is sec:identifier, the JVNDB id: JVNDB-2023-000001.
	Identifier string `xml:"identifier" json:"identifier,omitempty"`
	// References are the sec:references elements: other advisories (JVN,
	// CVE, NVD, CERT/CC, JPCERT alerts, ...), related documents, and the
	// advisory's CWE classification.
	References []ItemReference `xml:"references" json:"references,omitempty"`
	// CPEs are the sec:cpe elements: the affected products.
	CPEs []ItemCPE `xml:"cpe" json:"cpe,omitempty"`
	// CVSS are the sec:cvss elements: JVN's own CVSS scores.
	CVSS []ItemCVSS `xml:"cvss" json:"cvss,omitempty"`
	// Date is dc:date, when the item last changed (minute precision,
	// "2023-01-05T12:02+09:00").
	Date string `xml:"date" json:"date,omitempty"`
	// Issued is dcterms:issued, when JVN iPedia first published the
	// advisory.
	Issued string `xml:"issued" json:"issued,omitempty"`
	// Modified is dcterms:modified, when JVN iPedia last updated it.
	Modified string `xml:"modified" json:"modified,omitempty"`
}

// ItemReference is a sec:references element. For a link to another
// advisory, Source names its publisher ("JVN", "CVE", "NVD", "JPCERT-AT",
// "CERT-VN", "関連文書" for related documents, ...) and ID its identifier
// there. For the CWE classification Source is empty, ID is the CWE id
// ("CWE-79", or JVN's "CWE-noinfo" and "CWE-Other") and Title its Japanese
// or English name with the id in parentheses.
//
// vuls-data-update adds a "fetchedtitle" to JPCERT-AT references, the
// title of the alert's web page, which it downloads; it is not in the feed
// and not here.
type ItemReference struct {
	// Text is the element's content, the URL.
	Text   string `xml:",chardata" json:"text,omitempty"`
	Source string `xml:"source,attr" json:"source,omitempty"`
	ID     string `xml:"id,attr" json:"id,omitempty"`
	Title  string `xml:"title,attr" json:"title,omitempty"`
}

// ItemCPE is a sec:cpe element: a CPE 2.2 URI as its content, with JVN's
// display names for the vendor and the product.
type ItemCPE struct {
	Text    string `xml:",chardata" json:"text,omitempty"`
	Version string `xml:"version,attr" json:"version,omitempty"` // CPE version, "2.2"
	Vendor  string `xml:"vendor,attr" json:"vendor,omitempty"`
	Product string `xml:"product,attr" json:"product,omitempty"`
}

// ItemCVSS is a sec:cvss element.
type ItemCVSS struct {
	Version  string `xml:"version,attr" json:"version,omitempty"`   // "2.0", "3.0"
	Score    string `xml:"score,attr" json:"score,omitempty"`       // base score, "9.8"
	Type     string `xml:"type,attr" json:"type,omitempty"`         // "Base"
	Severity string `xml:"severity,attr" json:"severity,omitempty"` // "Critical", "High", "Medium", "Low", "None"
	Vector   string `xml:"vector,attr" json:"vector,omitempty"`
}

// ParseRSS reads a JVN iPedia RSS feed and yields its items as the feed
// has them. The only errors are a document that cannot be read, which
// yields one error wrapping feed.ErrFormat (or the reader's own error) and
// ends the sequence, and an item over 16 MiB, which yields a
// *feed.RecordError and also ends it.
func ParseRSS(r io.Reader) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		d := newDocument(r)
		err := d.rss(func(_ int, it *Item, _ string) error {
			if !yield(*it, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(Item{}, err)
		}
	}
}

// rss reads an RSS document from its start.
func (d *document) rss(fn func(n int, it *Item, lang string) error) error {
	start, err := d.root()
	if err != nil {
		return err
	}
	if err := wantRoot(start, rdfNS, "RDF"); err != nil {
		return err
	}
	return d.rssItems(fn)
}

// rssItems reads the children of rdf:RDF once its start tag has been read,
// calling fn with each item, its 1-based position, and its language (its
// own xml:lang, else the root's). The channel and anything else beside the
// items are skipped.
func (d *document) rssItems(fn func(n int, it *Item, lang string) error) error {
	n := 0
	err := d.children("document", func(se xml.StartElement) error {
		if se.Name.Local != "item" {
			return d.skip(truncate(se.Name.Local, 40))
		}
		n++
		var it Item
		if err := d.decode(&it, &se); err != nil {
			return d.itemError("item", n, err)
		}
		return fn(n, &it, xmlLang(se, d.lang))
	})
	if err != nil {
		return err
	}
	return d.end()
}
