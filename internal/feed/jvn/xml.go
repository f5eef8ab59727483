package jvn

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/feed"
)

// maxItem bounds the bytes one item (an RSS <item>, a VULDEF <Vulinfo>, a
// MyJVN <Product>) or any single token between items may take. The largest
// real detail entries (Log4Shell, with its long solution text and dozens
// of affected products) are tens of KiB; 16 MiB leaves room for growth
// while keeping a hostile or corrupt document from making the decoder
// buffer without end.
const maxItem = 16 << 20

// maxDepth bounds how deep elements may nest, counting the root as 1. Real
// feeds nest six deep. encoding/xml keeps a stack entry for each open
// element and, when it decodes an item, steps over unknown elements with
// no depth limit of its own: 16 MiB of "<a>" inside one item would cost
// it some 600 MB.
const maxDepth = 64

// errTooDeep is what the lexer returns for an element past maxDepth.
var errTooDeep = fmt.Errorf("elements nested deeper than %d", maxDepth)

// xmlNS is the namespace encoding/xml gives the reserved "xml" prefix, so
// that xml:lang arrives as {xmlNS, "lang"}.
const xmlNS = "http://www.w3.org/XML/1998/namespace"

// defaultLang is the language of a document that does not say. JVN
// iPedia is written in Japanese first; its feeds say xml:lang="ja", and
// the English ones (under jvndb.jvn.jp/en/) xml:lang="en".
const defaultLang = "ja"

// errStop unwinds a document walk when the consumer stops iterating.
var errStop = errors.New("stop")

// errTooLarge is what budgetReader returns once a value runs past its
// budget.
var errTooLarge = errors.New("larger than 16 MiB")

// budgetReader lets the XML decoder read at most up to limit, an absolute
// offset in the stream. The walker moves limit to maxItem past the
// decoder's position before each token or item it reads, so the decoder,
// which must hold a whole token (and DecodeElement a whole item), cannot
// grow past about maxItem.
type budgetReader struct {
	r     io.Reader
	read  int64 // bytes handed to the decoder so far
	limit int64
	err   error // the first error of r other than io.EOF
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.read >= b.limit {
		return 0, errTooLarge
	}
	if rem := b.limit - b.read; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// document walks one XML document token by token, so that the memory it
// needs is bounded by its largest item, not by its size: a yearly JVN
// iPedia feed holds thousands of items under one root element.
//
// It runs two decoders. raw reads the bytes and hands out raw tokens,
// with entities and character references resolved but names untranslated
// and tags unmatched; lexer counts the nesting on them, and dec, built on
// lexer, translates namespaces, matches tags and decodes items. Counting
// between the two is what stops a deep document before dec's stack grows.
type document struct {
	raw *xml.Decoder
	dec *xml.Decoder
	br  *budgetReader
	// depth is the number of elements open in raw's token stream.
	depth int
	// lang is the root element's xml:lang, or defaultLang.
	lang string
}

// lexer is the xml.TokenReader dec reads raw's tokens through.
type lexer struct{ d *document }

func (l lexer) Token() (xml.Token, error) {
	tok, err := l.d.raw.RawToken()
	switch tok.(type) {
	case xml.StartElement:
		if l.d.depth++; l.d.depth > maxDepth {
			return nil, errTooDeep
		}
	case xml.EndElement:
		l.d.depth--
	}
	return tok, err
}

func newDocument(r io.Reader) *document {
	br := &budgetReader{r: r}
	raw := xml.NewDecoder(br)
	// Strict is the default, and it matters: a strict decoder refuses an
	// entity reference it does not know instead of passing it through as
	// text. Entity stays nil, so the only entities are XML's five
	// predefined ones and character references. encoding/xml never reads a
	// DOCTYPE's internal subset, so neither an external entity
	// (<!ENTITY x SYSTEM "file:///etc/passwd">) nor a billion-laughs chain
	// can be declared, let alone expanded; root refuses a DOCTYPE outright
	// so that such a document gets a clear error rather than a puzzling
	// "invalid character entity".
	raw.Strict = true
	raw.Entity = nil
	// CharsetReader stays nil: JVN publishes UTF-8, and a document that
	// declares another encoding is refused by the decoder.
	d := &document{raw: raw, br: br}
	d.dec = xml.NewTokenDecoder(lexer{d})
	return d
}

// token reads the next token within a fresh budget of maxItem bytes.
func (d *document) token() (xml.Token, error) {
	d.br.limit = d.raw.InputOffset() + maxItem
	return d.dec.Token()
}

// decode reads the element start opened into v, within a budget of
// maxItem bytes from the end of its start tag.
func (d *document) decode(v any, start *xml.StartElement) error {
	d.br.limit = d.raw.InputOffset() + maxItem
	return d.dec.DecodeElement(v, start)
}

// fail turns an error of the decoder into the error a parser yields: the
// reader's own failure as it is (the importer retries a broken download
// but rejects malformed input), anything else wrapping feed.ErrFormat.
// where locates the problem ("document", "item[3]").
func (d *document) fail(where string, err error) error {
	if d.br.err != nil {
		return fmt.Errorf("read %s: %w", where, d.br.err)
	}
	// dec counts no lines, as it reads tokens rather than bytes; the
	// line of a syntax error it finds (a mismatched end tag, an early
	// end) is where raw has got to.
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		line, _ := d.raw.InputPos()
		err = &xml.SyntaxError{Msg: se.Msg, Line: line}
	}
	return fmt.Errorf("%w: %s: %v", feed.ErrFormat, where, err)
}

// root reads the prolog and the root element's start tag. It refuses a
// DOCTYPE: no JVN feed has one, and one is how entity attacks begin.
func (d *document) root() (xml.StartElement, error) {
	first := true
	for {
		tok, err := d.token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w: document: no root element", feed.ErrFormat)
		}
		if err != nil {
			return xml.StartElement{}, d.fail("document", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			d.lang = xmlLang(t, defaultLang)
			return t, nil
		case xml.Directive:
			return xml.StartElement{}, directiveError("document", t)
		case xml.CharData:
			// A UTF-8 byte order mark reaches us as text before the
			// root; encoding/xml does not strip it.
			if first {
				t = bytes.TrimPrefix(t, bom)
			}
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, fmt.Errorf("%w: document: text before the root element", feed.ErrFormat)
			}
		}
		first = false
	}
}

// wantRoot checks that the root element start is {space}local.
func wantRoot(start xml.StartElement, space, local string) error {
	if start.Name.Local != local || start.Name.Space != space {
		return fmt.Errorf("%w: document: root element %s, want %s", feed.ErrFormat,
			qname(start.Name), qname(xml.Name{Space: space, Local: local}))
	}
	return nil
}

// children calls fn for each child element of the element whose start tag
// was read last, in order, and returns when that element ends. fn must
// consume the child (decode or skip it). Text between children is
// ignored; a DOCTYPE is refused.
func (d *document) children(where string, fn func(xml.StartElement) error) error {
	for {
		tok, err := d.token()
		if err != nil {
			return d.fail(where, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := fn(t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		case xml.Directive:
			return directiveError(where, t)
		}
	}
}

// skip steps over the element whose start tag was read last, token by
// token, so that even a large element costs no more memory than its
// largest token.
func (d *document) skip(where string) error {
	depth := 1
	for depth > 0 {
		tok, err := d.token()
		if err != nil {
			return d.fail(where, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.Directive:
			return directiveError(where, t)
		}
	}
	return nil
}

// end reads what follows the root element: only white space, comments and
// processing instructions may.
func (d *document) end() error {
	for {
		tok, err := d.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return d.fail("document", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return fmt.Errorf("%w: document: data after the root element", feed.ErrFormat)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("%w: document: data after the root element", feed.ErrFormat)
			}
		case xml.Directive:
			return directiveError("document", t)
		}
	}
}

// itemError reports a failure while decoding the n-th item (1-based) of a
// document. An item over the budget is a RecordError, since it is that
// item's fault; the document still ends there, because the decoder cannot
// find the next item after one it gave up on.
func (d *document) itemError(kind string, n int, err error) error {
	if d.br.err == nil && errors.Is(err, errTooLarge) {
		return feed.Errorf(fmt.Sprintf("#%d", n), "", "%s larger than 16 MiB", kind)
	}
	return d.fail(fmt.Sprintf("%s[%d]", kind, n-1), err)
}

// directiveError refuses a <!...> directive. encoding/xml reports comments
// and CDATA sections otherwise, so a directive here is a DOCTYPE (or
// another declaration that has no place in a feed).
func directiveError(where string, t xml.Directive) error {
	s := strings.TrimSpace(string(t))
	if len(s) >= 7 && strings.EqualFold(s[:7], "DOCTYPE") {
		return fmt.Errorf("%w: %s: DOCTYPE declarations are refused (JVN feeds have none; entity declarations in one could read files or expand without bound)", feed.ErrFormat, where)
	}
	word := truncate(s, 20)
	if i := strings.IndexAny(word, " \t\r\n[\""); i >= 0 {
		word = word[:i]
	}
	return fmt.Errorf("%w: %s: unexpected <!%s> declaration", feed.ErrFormat, where, word)
}

// xmlLang returns start's xml:lang attribute, or def when it has none or
// one that is not shaped like a language tag: the tag keys a record's
// titles and descriptions, and text from the input does not belong there.
func xmlLang(start xml.StartElement, def string) string {
	for _, a := range start.Attr {
		if a.Name.Space == xmlNS && a.Name.Local == "lang" {
			if v := strings.TrimSpace(a.Value); langTag.MatchString(v) {
				return v
			}
		}
	}
	return def
}

// langTag is the shape of a BCP 47 tag (RFC 5646 section 2.1), loosely:
// subtags of letters and digits joined by hyphens.
var langTag = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,8}$`)

// qname spells an element name, which comes from the input, for an error
// message.
func qname(n xml.Name) string {
	if n.Space == "" {
		return truncate(n.Local, 40)
	}
	return "{" + truncate(n.Space, 60) + "}" + truncate(n.Local, 40)
}

// truncate shortens s, which comes from the input, to about n bytes for an
// error message, cutting at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

var bom = []byte("\ufeff")
