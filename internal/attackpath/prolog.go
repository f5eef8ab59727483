package attackpath

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// This file reads the subset of Prolog that MulVAL input files use: facts
// and simple rules over atoms, quoted atoms, variables, integers and
// compound terms, with /* */ and % comments. It is a hand-written scanner
// and recursive-descent parser with limits on input size, term depth and
// arity so that hostile input fails with a located error and never panics.

// Limits on what the parser accepts.
const (
	MaxInputBytes = 16 << 20 // whole file
	MaxClauses    = 200000
	maxDepth      = 8  // nesting of compound terms
	maxArity      = 16 // arguments of one compound term
	maxBody       = 32 // goals in one rule body
	maxAtomBytes  = 1024
)

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("syntax error")

// ParseError locates a problem in an input file, as encoding/csv's does.
type ParseError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

func (e *ParseError) Unwrap() error { return ErrSyntax }

// TermKind is the closed set of term shapes.
type TermKind int

const (
	TermAtom     TermKind = iota // lower-case or quoted constant
	TermVar                      // upper-case or _-prefixed variable
	TermInt                      // integer constant (kept as its text)
	TermCompound                 // functor(args...)
)

// Term is a parsed Prolog term. Atoms and integers are constants; a
// variable named "_" is anonymous (each occurrence distinct).
type Term struct {
	Kind TermKind
	Name string // atom text, variable name, integer text or functor
	Args []Term // compound arguments
}

// IsConst reports whether t is an atom or integer.
func (t Term) IsConst() bool { return t.Kind == TermAtom || t.Kind == TermInt }

// String renders t in MulVAL's notation: atoms that need quoting are
// quoted, so the output parses back to the same term.
func (t Term) String() string {
	switch t.Kind {
	case TermVar, TermInt:
		return t.Name
	case TermAtom:
		return quoteAtom(t.Name)
	}
	parts := make([]string, len(t.Args))
	for i, a := range t.Args {
		parts[i] = a.String()
	}
	return quoteAtom(t.Name) + "(" + strings.Join(parts, ",") + ")"
}

func quoteAtom(s string) string {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return s // an integer reads back as the same constant
	}
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		plain := true
		for i := 0; i < len(s); i++ {
			if !isIdent(s[i]) {
				plain = false
				break
			}
		}
		if plain {
			return s
		}
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// Clause is one fact (no body) or rule, with its position for errors.
type Clause struct {
	Head Term
	Body []Term
	Line int
	Col  int
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokAtom
	tokQuoted
	tokVar
	tokInt
	tokPunct // ( ) , .
	tokNeck  // :-
)

type token struct {
	kind      tokKind
	text      string
	line, col int
	width     int // source bytes, so "f (" is told apart from "f("
}

type parser struct {
	file      string
	src       string
	pos       int
	line, col int
	tok       token
}

// ParseProlog parses MulVAL input text into clauses. file names the input
// in errors.
func ParseProlog(file string, src []byte) ([]Clause, error) {
	if len(src) > MaxInputBytes {
		return nil, &ParseError{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("input is %d bytes, over the limit of %d", len(src), MaxInputBytes)}
	}
	p := &parser{file: file, src: string(src), line: 1, col: 1}
	if err := p.next(); err != nil {
		return nil, err
	}
	var out []Clause
	for p.tok.kind != tokEOF {
		if len(out) >= MaxClauses {
			return nil, p.errf("more than %d clauses", MaxClauses)
		}
		c, err := p.clause()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ParseTerm parses one term such as a goal given on a command line
// ("execCode(workStation,_)"); a trailing full stop is optional.
func ParseTerm(src string) (Term, error) {
	p := &parser{file: "term", src: src, line: 1, col: 1}
	if err := p.next(); err != nil {
		return Term{}, err
	}
	t, err := p.term(0)
	if err != nil {
		return Term{}, err
	}
	if p.tok.kind == tokPunct && p.tok.text == "." {
		if err := p.next(); err != nil {
			return Term{}, err
		}
	}
	if p.tok.kind != tokEOF {
		return Term{}, p.errf("unexpected %q after the term", p.tok.text)
	}
	return t, nil
}

func (p *parser) errf(format string, args ...any) error {
	return &ParseError{File: p.file, Line: p.tok.line, Col: p.tok.col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) clause() (Clause, error) {
	c := Clause{Line: p.tok.line, Col: p.tok.col}
	head, err := p.term(0)
	if err != nil {
		return c, err
	}
	if head.Kind == TermVar || head.Kind == TermInt {
		return c, &ParseError{File: p.file, Line: c.Line, Col: c.Col, Msg: "a clause must start with a predicate, not " + head.Name}
	}
	c.Head = head
	if p.tok.kind == tokNeck {
		for {
			if err := p.next(); err != nil {
				return c, err
			}
			if len(c.Body) >= maxBody {
				return c, p.errf("rule body has more than %d goals", maxBody)
			}
			g, err := p.term(0)
			if err != nil {
				return c, err
			}
			if g.Kind == TermVar || g.Kind == TermInt {
				return c, p.errf("a rule goal must be a predicate, not %s", g.Name)
			}
			c.Body = append(c.Body, g)
			if !(p.tok.kind == tokPunct && p.tok.text == ",") {
				break
			}
		}
	}
	if !(p.tok.kind == tokPunct && p.tok.text == ".") {
		if p.tok.kind == tokEOF {
			return c, p.errf("missing '.' at the end of the clause")
		}
		return c, p.errf("expected '.' or ',' but found %q", p.tok.text)
	}
	return c, p.next()
}

func (p *parser) term(depth int) (Term, error) {
	if depth > maxDepth {
		return Term{}, p.errf("terms nested deeper than %d", maxDepth)
	}
	t := p.tok
	switch t.kind {
	case tokVar:
		return Term{Kind: TermVar, Name: t.text}, p.next()
	case tokInt:
		return Term{Kind: TermInt, Name: t.text}, p.next()
	case tokAtom, tokQuoted:
		if err := p.next(); err != nil {
			return Term{}, err
		}
		// A functor's '(' must follow its name directly, as in Prolog.
		if p.tok.kind == tokPunct && p.tok.text == "(" && p.tok.line == t.line && p.tok.col == t.col+t.width {
			return p.args(t.text, depth)
		}
		return Term{Kind: TermAtom, Name: t.text}, nil
	case tokEOF:
		return Term{}, p.errf("unexpected end of input")
	}
	return Term{}, p.errf("unexpected %q", t.text)
}

func (p *parser) args(functor string, depth int) (Term, error) {
	c := Term{Kind: TermCompound, Name: functor}
	for {
		if err := p.next(); err != nil {
			return c, err
		}
		if len(c.Args) >= maxArity {
			return c, p.errf("%s has more than %d arguments", functor, maxArity)
		}
		a, err := p.term(depth + 1)
		if err != nil {
			return c, err
		}
		c.Args = append(c.Args, a)
		if p.tok.kind == tokPunct && p.tok.text == "," {
			continue
		}
		if p.tok.kind == tokPunct && p.tok.text == ")" {
			return c, p.next()
		}
		if p.tok.kind == tokEOF {
			return c, p.errf("missing ')' to close %s(", functor)
		}
		return c, p.errf("expected ',' or ')' in the arguments of %s but found %q", functor, p.tok.text)
	}
}

func (p *parser) advance(n int) {
	for i := 0; i < n && p.pos < len(p.src); i++ {
		if p.src[p.pos] == '\n' {
			p.line++
			p.col = 1
		} else {
			p.col++
		}
		p.pos++
	}
}

// next scans the following token into p.tok, skipping blanks and comments.
func (p *parser) next() error {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.advance(1)
		case c == '%':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.advance(1)
			}
		case c == '/' && strings.HasPrefix(p.src[p.pos:], "/*"):
			line, col := p.line, p.col
			end := strings.Index(p.src[p.pos+2:], "*/")
			if end < 0 {
				return &ParseError{File: p.file, Line: line, Col: col, Msg: "comment not closed with */"}
			}
			p.advance(end + 4)
		default:
			return p.scan()
		}
	}
	p.tok = token{kind: tokEOF, line: p.line, col: p.col}
	return nil
}

func (p *parser) scan() error {
	line, col, start := p.line, p.col, p.pos
	c := p.src[p.pos]
	mk := func(k tokKind, text string) error {
		p.tok = token{kind: k, text: text, line: line, col: col, width: p.pos - start}
		if len(text) > maxAtomBytes {
			return &ParseError{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf("token longer than %d bytes", maxAtomBytes)}
		}
		return nil
	}
	switch {
	case c == '(' || c == ')' || c == ',' || c == '.':
		p.advance(1)
		return mk(tokPunct, string(c))
	case c == ':' && strings.HasPrefix(p.src[p.pos:], ":-"):
		p.advance(2)
		return mk(tokNeck, ":-")
	case c >= 'a' && c <= 'z':
		for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
			p.advance(1)
		}
		return mk(tokAtom, p.src[start:p.pos])
	case c >= 'A' && c <= 'Z' || c == '_':
		for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
			p.advance(1)
		}
		return mk(tokVar, p.src[start:p.pos])
	case c >= '0' && c <= '9' || c == '-' && p.pos+1 < len(p.src) && p.src[p.pos+1] >= '0' && p.src[p.pos+1] <= '9':
		p.advance(1)
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.advance(1)
		}
		text := p.src[start:p.pos]
		if _, err := strconv.ParseInt(text, 10, 64); err != nil {
			return &ParseError{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf("integer %s out of range", text)}
		}
		return mk(tokInt, text)
	case c == '\'':
		p.advance(1)
		var b strings.Builder
		for {
			if p.pos >= len(p.src) {
				return &ParseError{File: p.file, Line: line, Col: col, Msg: "quoted atom not closed"}
			}
			ch := p.src[p.pos]
			switch {
			case ch == '\'' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '\'':
				b.WriteByte('\'')
				p.advance(2)
			case ch == '\'':
				p.advance(1)
				return mk(tokQuoted, b.String())
			case ch == '\\' && p.pos+1 < len(p.src):
				b.WriteByte(p.src[p.pos+1])
				p.advance(2)
			case ch == '\n':
				return &ParseError{File: p.file, Line: line, Col: col, Msg: "quoted atom runs past the end of the line"}
			default:
				b.WriteByte(ch)
				p.advance(1)
			}
			if b.Len() > maxAtomBytes {
				return &ParseError{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf("quoted atom longer than %d bytes", maxAtomBytes)}
			}
		}
	}
	return &ParseError{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf("unexpected character %q", rune(c))}
}
