package jvn

import (
	"encoding/xml"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
)

// myjvnResultsNS is the namespace of MyJVN API results (results_3.3.xsd,
// https://jvndb.jvn.jp/schema/results_3.3.xsd), in which the product
// dictionary (myjvn_product_YYYYMM.rdf, the API's getProductList) comes.
const myjvnResultsNS = "http://jvndb.jvn.jp/myjvn/Results"

// Product is one product of the MyJVN product dictionary together with its
// vendor, flattened the way github.com/MaineK00n/vuls-data-update writes it
// (pkg/fetch/jvn/feed/product, one JSON file per product under its
// vendor's id). JVN iPedia's sec:cpe and Cpe elements name products by
// these CPEs.
type Product struct {
	Vid   string `json:"vid,omitempty"`   // the vendor's MyJVN id, "1"
	Vname string `json:"vname,omitempty"` // the vendor's name, "マイクロソフト"
	VCpe  string `json:"vcpe,omitempty"`  // the vendor's CPE 2.2 prefix, "cpe:/:microsoft"
	Pid   string `json:"pid,omitempty"`   // the product's MyJVN id, "27"
	Pname string `json:"pname,omitempty"` // the product's name
	PCpe  string `json:"pcpe,omitempty"`  // the product's CPE 2.2 URI
}

// ParseProducts reads a MyJVN product dictionary and yields its products
// in document order. A product whose vendor or itself has no id yields a
// *feed.RecordError naming it by position ("#3") and the attribute, and
// reading goes on. A document that cannot be read yields one error
// wrapping feed.ErrFormat (or the reader's own error) and ends the
// sequence.
//
// The dictionary is not advisories, so Parse refuses it and Sniff turns
// it down; the importer has no use for it yet.
func ParseProducts(r io.Reader) iter.Seq2[Product, error] {
	return func(yield func(Product, error) bool) {
		d := newDocument(r)
		err := d.products(func(p Product, err error) error {
			if !yield(p, err) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(Product{}, err)
		}
	}
}

// products walks Result > VendorInfo > Vendor > Product.
func (d *document) products(fn func(Product, error) error) error {
	start, err := d.root()
	if err != nil {
		return err
	}
	if err := wantRoot(start, myjvnResultsNS, "Result"); err != nil {
		return err
	}
	n, vendors := 0, 0
	err = d.children("document", func(se xml.StartElement) error {
		if se.Name.Local != "VendorInfo" {
			return d.skip(truncate(se.Name.Local, 40))
		}
		return d.children("VendorInfo", func(se xml.StartElement) error {
			if se.Name.Local != "Vendor" {
				return d.skip(truncate(se.Name.Local, 40))
			}
			vi := vendors
			vendors++
			vendor := Product{Vid: attr(se, "vid"), Vname: attr(se, "vname"), VCpe: attr(se, "cpe")}
			pi := 0
			return d.children(fmt.Sprintf("Vendor[%d]", vi), func(se xml.StartElement) error {
				if se.Name.Local != "Product" {
					return d.skip(truncate(se.Name.Local, 40))
				}
				n++
				var v struct {
					Pname string `xml:"pname,attr"`
					Cpe   string `xml:"cpe,attr"`
					Pid   string `xml:"pid,attr"`
				}
				if err := d.decode(&v, &se); err != nil {
					return d.itemError("Product", n, err)
				}
				p := vendor
				p.Pid, p.Pname, p.PCpe = v.Pid, v.Pname, v.Cpe
				var perr error
				switch {
				case strings.TrimSpace(p.Vid) == "":
					perr = feed.Errorf(fmt.Sprintf("#%d", n), fmt.Sprintf("VendorInfo.Vendor[%d].vid", vi), "missing")
				case strings.TrimSpace(p.Pid) == "":
					perr = feed.Errorf(fmt.Sprintf("#%d", n), fmt.Sprintf("VendorInfo.Vendor[%d].Product[%d].pid", vi, pi), "missing")
				}
				pi++
				if perr != nil {
					return fn(Product{}, perr)
				}
				return fn(p, nil)
			})
		})
	})
	if err != nil {
		return err
	}
	return d.end()
}

// attr returns the value of start's attribute named local, in any
// namespace.
func attr(start xml.StartElement, local string) string {
	for _, a := range start.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
