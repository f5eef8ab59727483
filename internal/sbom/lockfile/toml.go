package lockfile

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseTOML reads the subset of TOML 1.0 that Cargo.lock and poetry.lock
// use: tables, arrays of tables, dotted and quoted keys, strings of all
// four kinds, arrays and inline tables. Other scalars (integers, floats,
// booleans, dates) are kept as their text, since no lockfile field vmc
// reads is one. The go.mod of vmc may require no TOML library, and these
// two formats need little.
//
// Tables are map[string]any, arrays []any, and an array of tables is a
// []any of map[string]any. Redefining a key is not an error here (TOML
// says it is); the last value wins.
func parseTOML(data []byte) (map[string]any, error) {
	p := &tomlParser{s: string(data), line: 1}
	root := map[string]any{}
	cur := root
	for {
		p.skipSpaceAndComments(true)
		if p.eof() {
			return root, nil
		}
		if p.peek() == '[' {
			array := strings.HasPrefix(p.s[p.i:], "[[")
			if array {
				p.i += 2
			} else {
				p.i++
			}
			keys, err := p.keys()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			closing := "]"
			if array {
				closing = "]]"
			}
			if !strings.HasPrefix(p.s[p.i:], closing) {
				return nil, p.errorf("table header: want %q", closing)
			}
			p.i += len(closing)
			if cur, err = p.table(root, keys, array); err != nil {
				return nil, err
			}
			if err := p.endOfLine(); err != nil {
				return nil, err
			}
			continue
		}
		keys, err := p.keys()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.eof() || p.peek() != '=' {
			return nil, p.errorf("key %q: want '='", strings.Join(keys, "."))
		}
		p.i++
		p.skipSpace()
		v, err := p.value(0)
		if err != nil {
			return nil, err
		}
		if err := setKey(cur, keys, v); err != nil {
			return nil, p.errorf("%v", err)
		}
		if err := p.endOfLine(); err != nil {
			return nil, err
		}
	}
}

// maxTOMLDepth bounds nesting of arrays and inline tables, so that a
// hostile "[[[[..." cannot exhaust the stack.
const maxTOMLDepth = 100

type tomlParser struct {
	s    string
	i    int
	line int
}

func (p *tomlParser) eof() bool  { return p.i >= len(p.s) }
func (p *tomlParser) peek() byte { return p.s[p.i] }

func (p *tomlParser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: "+format, append([]any{p.line}, args...)...)
}

func (p *tomlParser) skipSpace() {
	for !p.eof() && (p.peek() == ' ' || p.peek() == '\t') {
		p.i++
	}
}

// skipSpaceAndComments skips blanks and comments and, if newlines, line
// ends too.
func (p *tomlParser) skipSpaceAndComments(newlines bool) {
	for !p.eof() {
		switch c := p.peek(); {
		case c == ' ' || c == '\t' || c == '\r':
			p.i++
		case c == '\n' && newlines:
			p.i++
			p.line++
		case c == '#':
			for !p.eof() && p.peek() != '\n' {
				p.i++
			}
		default:
			return
		}
	}
}

func (p *tomlParser) endOfLine() error {
	p.skipSpaceAndComments(false)
	if p.eof() {
		return nil
	}
	if p.peek() != '\n' {
		return p.errorf("unexpected %q after value", p.s[p.i:min(p.i+10, len(p.s))])
	}
	return nil
}

func (p *tomlParser) keys() ([]string, error) {
	var keys []string
	for {
		p.skipSpace()
		if p.eof() {
			return nil, p.errorf("want a key")
		}
		var k string
		switch p.peek() {
		case '"', '\'':
			v, err := p.value(0)
			if err != nil {
				return nil, err
			}
			k = v.(string)
		default:
			j := p.i
			for j < len(p.s) && isBareKey(p.s[j]) {
				j++
			}
			if j == p.i {
				return nil, p.errorf("want a key, got %q", p.s[p.i:min(p.i+10, len(p.s))])
			}
			k, p.i = p.s[p.i:j], j
		}
		keys = append(keys, k)
		p.skipSpace()
		if p.eof() || p.peek() != '.' {
			return keys, nil
		}
		p.i++
	}
}

func isBareKey(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// table finds or makes the table a header names. In a path through an
// array of tables, the last table of the array is meant.
func (p *tomlParser) table(root map[string]any, keys []string, array bool) (map[string]any, error) {
	t := root
	for i, k := range keys {
		last := i == len(keys)-1
		switch v := t[k].(type) {
		case nil:
			if last && array {
				n := map[string]any{}
				t[k] = []any{n}
				return n, nil
			}
			n := map[string]any{}
			t[k] = n
			t = n
		case map[string]any:
			if last && array {
				return nil, p.errorf("[[%s]]: already a table", strings.Join(keys, "."))
			}
			t = v
		case []any:
			if last && array {
				n := map[string]any{}
				t[k] = append(v, n)
				return n, nil
			}
			if len(v) == 0 {
				return nil, p.errorf("%s: an empty array", k)
			}
			m, ok := v[len(v)-1].(map[string]any)
			if !ok {
				return nil, p.errorf("%s: not a table", k)
			}
			t = m
		default:
			return nil, p.errorf("%s: not a table", k)
		}
	}
	return t, nil
}

func setKey(t map[string]any, keys []string, v any) error {
	for _, k := range keys[:len(keys)-1] {
		switch n := t[k].(type) {
		case nil:
			m := map[string]any{}
			t[k] = m
			t = m
		case map[string]any:
			t = n
		default:
			return fmt.Errorf("%s: not a table", k)
		}
	}
	t[keys[len(keys)-1]] = v
	return nil
}

func (p *tomlParser) value(depth int) (any, error) {
	if depth > maxTOMLDepth {
		return nil, p.errorf("nested deeper than %d", maxTOMLDepth)
	}
	if p.eof() {
		return nil, p.errorf("want a value")
	}
	switch {
	case strings.HasPrefix(p.s[p.i:], `"""`):
		return p.multiline(`"""`, true)
	case strings.HasPrefix(p.s[p.i:], `'''`):
		return p.multiline(`'''`, false)
	}
	switch p.peek() {
	case '"':
		return p.basicString()
	case '\'':
		j := strings.IndexAny(p.s[p.i+1:], "'\n")
		if j < 0 || p.s[p.i+1+j] != '\'' {
			return nil, p.errorf("unterminated literal string")
		}
		v := p.s[p.i+1 : p.i+1+j]
		p.i += j + 2
		return v, nil
	case '[':
		p.i++
		var arr []any
		for {
			p.skipSpaceAndComments(true)
			if p.eof() {
				return nil, p.errorf("unterminated array")
			}
			if p.peek() == ']' {
				p.i++
				return arr, nil
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
			p.skipSpaceAndComments(true)
			if p.eof() {
				return nil, p.errorf("unterminated array")
			}
			switch p.peek() {
			case ',':
				p.i++
			case ']':
			default:
				return nil, p.errorf("array: want ',' or ']'")
			}
		}
	case '{':
		p.i++
		t := map[string]any{}
		for {
			p.skipSpace()
			if p.eof() {
				return nil, p.errorf("unterminated inline table")
			}
			if p.peek() == '}' {
				p.i++
				return t, nil
			}
			keys, err := p.keys()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if p.eof() || p.peek() != '=' {
				return nil, p.errorf("inline table: want '='")
			}
			p.i++
			p.skipSpace()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if err := setKey(t, keys, v); err != nil {
				return nil, p.errorf("%v", err)
			}
			p.skipSpace()
			if !p.eof() && p.peek() == ',' {
				p.i++
			}
		}
	}
	// A bare scalar: up to the end of the value.
	j := p.i
	for j < len(p.s) && !strings.ContainsRune(",]}#\n\r", rune(p.s[j])) {
		j++
	}
	v := strings.TrimSpace(p.s[p.i:j])
	if v == "" {
		return nil, p.errorf("want a value")
	}
	p.i = j
	return v, nil
}

func (p *tomlParser) basicString() (string, error) {
	var b strings.Builder
	p.i++
	for {
		if p.eof() || p.peek() == '\n' {
			return "", p.errorf("unterminated string")
		}
		c := p.peek()
		switch c {
		case '"':
			p.i++
			return b.String(), nil
		case '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

func (p *tomlParser) multiline(delim string, escapes bool) (string, error) {
	p.i += 3
	// A newline right after the opening delimiter is trimmed.
	if strings.HasPrefix(p.s[p.i:], "\r\n") {
		p.i += 2
		p.line++
	} else if strings.HasPrefix(p.s[p.i:], "\n") {
		p.i++
		p.line++
	}
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.errorf("unterminated multi-line string")
		}
		if strings.HasPrefix(p.s[p.i:], delim) {
			p.i += 3
			// Up to two quotes may end the content right before the delimiter.
			for k := 0; k < 2 && !p.eof() && p.peek() == delim[0]; k++ {
				b.WriteByte(delim[0])
				p.i++
			}
			return b.String(), nil
		}
		c := p.peek()
		if c == '\n' {
			p.line++
		}
		if c == '\\' && escapes {
			// A backslash at the end of a line trims the newline and the
			// white space after it.
			j := p.i + 1
			for j < len(p.s) && (p.s[j] == ' ' || p.s[j] == '\t' || p.s[j] == '\r') {
				j++
			}
			if j < len(p.s) && p.s[j] == '\n' {
				for j < len(p.s) && strings.ContainsRune(" \t\r\n", rune(p.s[j])) {
					if p.s[j] == '\n' {
						p.line++
					}
					j++
				}
				p.i = j
				continue
			}
			if err := p.escape(&b); err != nil {
				return "", err
			}
			continue
		}
		b.WriteByte(c)
		p.i++
	}
}

func (p *tomlParser) escape(b *strings.Builder) error {
	if p.i+1 >= len(p.s) {
		return p.errorf("unterminated escape")
	}
	e := p.s[p.i+1]
	p.i += 2
	switch e {
	case 'b':
		b.WriteByte('\b')
	case 't':
		b.WriteByte('\t')
	case 'n':
		b.WriteByte('\n')
	case 'f':
		b.WriteByte('\f')
	case 'r':
		b.WriteByte('\r')
	case '"':
		b.WriteByte('"')
	case '\\':
		b.WriteByte('\\')
	case 'u', 'U':
		n := map[byte]int{'u': 4, 'U': 8}[e]
		if p.i+n > len(p.s) {
			return p.errorf("short \\%c escape", e)
		}
		r, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
		if err != nil || !utf8.ValidRune(rune(r)) {
			return p.errorf("bad \\%c escape %q", e, p.s[p.i:p.i+n])
		}
		b.WriteRune(rune(r))
		p.i += n
	default:
		return p.errorf("unknown escape \\%c", e)
	}
	return nil
}
