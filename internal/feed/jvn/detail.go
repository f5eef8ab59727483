package jvn

import (
	"encoding/xml"
	"io"
	"iter"
	"slices"
)

// vuldefNS is the namespace of VULDEF, JVN's vulnerability description
// format (vuldef_3.2.xsd, https://jvndb.jvn.jp/schema/vuldef_3.2.xsd),
// which the detail feeds (jvndb_detail_YYYY.rdf) and the MyJVN API's
// getVulnDetailInfo use.
const vuldefNS = "http://jvn.jp/vuldef/"

// Vulinfo is one <Vulinfo> of a VULDEF document: one JVN iPedia advisory
// in full. It has the shape github.com/MaineK00n/vuls-data-update writes
// (pkg/fetch/jvn/feed/detail), so that its expected outputs can be
// compared with ours. Values are the feed's text, untrimmed and unparsed.
// The dates are explained in the MyJVN API FAQ, Q1-2
// (https://jvndb.jvn.jp/apis/myjvnapi_faq.html).
type Vulinfo struct {
	// VulinfoID is the JVNDB id: JVNDB-2021-005429.
	VulinfoID   string      `xml:"VulinfoID" json:"vulinfoid,omitempty"`
	VulinfoData VulinfoData `xml:"VulinfoData" json:"vulinfodata,omitzero"`
}

// VulinfoData is the advisory's content.
type VulinfoData struct {
	Title              string             `xml:"Title" json:"title,omitempty"`
	VulinfoDescription VulinfoDescription `xml:"VulinfoDescription" json:"vulinfodescription,omitzero"`
	Affected           Affected           `xml:"Affected" json:"affected,omitzero"`
	Impact             Impact             `xml:"Impact" json:"impact,omitzero"`
	Solution           Solution           `xml:"Solution" json:"solution,omitzero"`
	Related            Related            `xml:"Related" json:"related,omitzero"`
	History            History            `xml:"History" json:"history,omitzero"`
	// DateFirstPublished is when JVN iPedia first published the advisory
	// ("2021-12-14T16:37:27+09:00"); the RSS feed's dcterms:issued is the
	// same time cut to the minute.
	DateFirstPublished string `xml:"DateFirstPublished" json:"datefirstpublished,omitempty"`
	// DateLastUpdated is when it last changed; the RSS feed's
	// dcterms:modified is the same time cut to the minute.
	DateLastUpdated string `xml:"DateLastUpdated" json:"datelastupdated,omitempty"`
	// DatePublic is when the vulnerability became public, often before
	// JVN iPedia published it.
	DatePublic string `xml:"DatePublic" json:"datepublic,omitempty"`
}

// VulinfoDescription holds the advisory's overview. Where the RSS feed
// breaks lines, the detail feed has spaces.
type VulinfoDescription struct {
	Overview string `xml:"Overview" json:"overview,omitempty"`
}

// Affected lists the affected products.
type Affected struct {
	AffectedItem []AffectedItem `xml:"AffectedItem" json:"affecteditem,omitempty"`
}

// AffectedItem is one affected product.
type AffectedItem struct {
	// Name is the vendor's name as JVN writes it ("日本電気").
	Name        string       `xml:"Name" json:"name,omitempty"`
	ProductName string       `xml:"ProductName" json:"productname,omitempty"`
	Cpe         *AffectedCPE `xml:"Cpe" json:"cpe,omitempty"`
	// VersionNumber are free-text descriptions of the affected versions
	// ("2.13.0 から 2.15.0 より前のバージョン"), not version strings.
	// Empty <VersionNumber/> elements, which JVN writes when it knows no
	// version, are left out, as vuls-data-update leaves them out.
	VersionNumber []string `xml:"VersionNumber" json:"versionnumber,omitempty"`
}

// AffectedCPE is an affected product's CPE name, a CPE 2.2 URI.
type AffectedCPE struct {
	Text    string `xml:",chardata" json:"text,omitempty"`
	Version string `xml:"version,attr" json:"version,omitempty"` // CPE version, "2.2"
}

// Impact holds JVN's CVSS scores and a description of the impact.
type Impact struct {
	Cvss       []ImpactCVSS `xml:"Cvss" json:"cvss,omitempty"`
	ImpactItem Remark       `xml:"ImpactItem" json:"impactitem,omitzero"`
}

// ImpactCVSS is one CVSS scoring.
type ImpactCVSS struct {
	Version  string         `xml:"version,attr" json:"version,omitempty"` // "2.0", "3.0"
	Severity ImpactSeverity `xml:"Severity" json:"severity,omitzero"`
	Base     string         `xml:"Base" json:"base,omitempty"` // base score, "10" or "9.3"
	Vector   string         `xml:"Vector" json:"vector,omitempty"`
}

// ImpactSeverity is the qualitative severity of a CVSS scoring.
type ImpactSeverity struct {
	Text string `xml:",chardata" json:"text,omitempty"` // "Critical", "High", ...
	Type string `xml:"type,attr" json:"type,omitempty"` // "Base"
}

// Solution holds the advice.
type Solution struct {
	SolutionItem Remark `xml:"SolutionItem" json:"solutionitem,omitzero"`
}

// Remark is an ImpactItem or SolutionItem: a description.
type Remark struct {
	Description string `xml:"Description" json:"description,omitempty"`
}

// UnmarshalXML appends the descriptions of repeated elements. The
// vuls-data-update shape has room for one ImpactItem and one SolutionItem,
// but VULDEF names them like its repeating items; joining them keeps every
// description, where decoding into one struct would keep only the last.
func (r *Remark) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var v struct {
		Description string `xml:"Description"`
	}
	if err := d.DecodeElement(&v, &start); err != nil {
		return err
	}
	if r.Description != "" && v.Description != "" {
		r.Description += "\n"
	}
	r.Description += v.Description
	return nil
}

// Related lists related information.
type Related struct {
	RelatedItem []RelatedItem `xml:"RelatedItem" json:"relateditem,omitempty"`
}

// RelatedItem is one piece of related information. Type says which kind:
// "vendor" (the vendor's own pages), "advisory" (other advisories, CVE and
// NVD entries, related documents) or "cwe" (the CWE classification, with
// the CWE's name in Title).
//
// vuls-data-update adds a "fetchedtitle" to JPCERT alert links, the title
// of the alert's web page, which it downloads; it is not in the feed and
// not here.
type RelatedItem struct {
	Type string `xml:"type,attr" json:"type,omitempty"`
	// Name is the publisher ("Common Vulnerabilities and Exposures (CVE)",
	// "JVN", "関連文書" for related documents).
	Name string `xml:"Name" json:"name,omitempty"`
	// VulinfoID is the publisher's identifier or the document's title.
	VulinfoID string `xml:"VulinfoID" json:"vulinfoid,omitempty"`
	URL       string `xml:"URL" json:"url,omitempty"`
	Title     string `xml:"Title" json:"title,omitempty"`
}

// History lists the advisory's revisions.
type History struct {
	HistoryItem []HistoryItem `xml:"HistoryItem" json:"historyitem,omitempty"`
}

// HistoryItem is one revision. JVN writes line breaks in Description as
// the two characters `\n`, and they are kept so.
type HistoryItem struct {
	HistoryNo   string `xml:"HistoryNo" json:"historyno,omitempty"`
	DateTime    string `xml:"DateTime" json:"datetime,omitempty"`
	Description string `xml:"Description" json:"description,omitempty"`
}

// ParseDetail reads a VULDEF document, a JVN iPedia detail feed, and
// yields its entries as the feed has them. Errors are as for ParseRSS.
func ParseDetail(r io.Reader) iter.Seq2[Vulinfo, error] {
	return func(yield func(Vulinfo, error) bool) {
		d := newDocument(r)
		err := d.detail(func(_ int, v *Vulinfo, _ string) error {
			if !yield(*v, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(Vulinfo{}, err)
		}
	}
}

// detail reads a VULDEF document from its start.
func (d *document) detail(fn func(n int, v *Vulinfo, lang string) error) error {
	start, err := d.root()
	if err != nil {
		return err
	}
	if err := wantRoot(start, vuldefNS, "VULDEF-Document"); err != nil {
		return err
	}
	return d.vulinfos(fn)
}

// vulinfos reads the children of VULDEF-Document once its start tag has
// been read, calling fn with each Vulinfo, its 1-based position, and its
// language. The TLP marking and the MyJVN status beside them are skipped.
func (d *document) vulinfos(fn func(n int, v *Vulinfo, lang string) error) error {
	n := 0
	err := d.children("document", func(se xml.StartElement) error {
		if se.Name.Local != "Vulinfo" {
			return d.skip(truncate(se.Name.Local, 40))
		}
		n++
		var v Vulinfo
		if err := d.decode(&v, &se); err != nil {
			return d.itemError("Vulinfo", n, err)
		}
		for i := range v.VulinfoData.Affected.AffectedItem {
			a := &v.VulinfoData.Affected.AffectedItem[i]
			a.VersionNumber = slices.DeleteFunc(a.VersionNumber, func(s string) bool { return s == "" })
			if len(a.VersionNumber) == 0 {
				a.VersionNumber = nil
			}
		}
		return fn(n, &v, xmlLang(se, d.lang))
	})
	if err != nil {
		return err
	}
	return d.end()
}
