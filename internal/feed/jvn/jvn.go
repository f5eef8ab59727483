package jvn

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"regexp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record.Source of every record this package yields.
const Source = "jvn"

// Parse reads one JVN iPedia document, an RSS feed or a VULDEF detail
// feed, told apart by the root element, and yields a record per item.
// Record-level problems are yielded as *feed.RecordError, naming the
// record's JVNDB id (or "#N", its 1-based position, when it has no usable
// id) and the field, and parsing goes on with the next item. A document
// that cannot be read, including a MyJVN product dictionary, yields one
// error wrapping feed.ErrFormat and stops; a failure of r itself is
// yielded as it is.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		emit := func(rec advisory.Record, err error) error {
			if err == nil {
				if verr := rec.Validate(); verr != nil {
					err = &feed.RecordError{Record: rec.ID, Err: fmt.Errorf("%w: %w", feed.ErrFormat, verr)}
				}
			}
			if err != nil {
				rec = advisory.Record{}
			}
			if !yield(rec, err) {
				return errStop
			}
			return nil
		}
		d := newDocument(r)
		start, err := d.root()
		if err == nil {
			switch n := start.Name; {
			case n.Space == rdfNS && n.Local == "RDF":
				err = d.rssItems(func(i int, it *Item, lang string) error {
					return emit(itemRecord(i, it, lang))
				})
			case n.Space == vuldefNS && n.Local == "VULDEF-Document":
				err = d.vulinfos(func(i int, v *Vulinfo, lang string) error {
					return emit(vulinfoRecord(i, v, lang))
				})
			case n.Space == myjvnResultsNS && n.Local == "Result":
				err = fmt.Errorf("%w: %s: a MyJVN result such as the product dictionary, which holds no advisories", feed.ErrFormat, name)
			default:
				err = fmt.Errorf("%w: %s: root element %s is neither an RSS feed's rdf:RDF nor a detail feed's VULDEF-Document", feed.ErrFormat, name, qname(n))
			}
		}
		if err != nil && err != errStop {
			yield(advisory.Record{}, err)
		}
	}
}

// Sniff reports whether a document looks like a JVN iPedia feed, from its
// first bytes (up to 4 KiB). The name is not consulted. An RSS feed is
// RDF/XML that declares JVN's mod_sec namespace or mentions a JVNDB id; a
// detail feed declares the VULDEF namespace on a VULDEF-Document. The MyJVN
// product dictionary has neither and is turned down, since Parse refuses
// it. The checks are on the text, not on parsed XML, as the head may end
// in the middle of a tag.
func Sniff(name string, head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(h) == 0 || h[0] != '<' {
		return false
	}
	if bytes.Contains(h, []byte(vuldefNS)) && bytes.Contains(h, []byte("VULDEF-Document")) {
		return true
	}
	return bytes.Contains(h, []byte(rdfNS)) && rdfRoot.Match(h) &&
		(bytes.Contains(h, []byte(modSecNS)) || bytes.Contains(h, []byte("JVNDB-")))
}

// rdfRoot finds an RDF element's start tag, prefixed or not.
var rdfRoot = regexp.MustCompile(`<([A-Za-z_][\w.-]*:)?RDF[\s>]`)
