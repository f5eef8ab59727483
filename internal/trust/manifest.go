package trust

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Manifest is the reference: for each path, the digests it may have.
type Manifest struct {
	Files map[string][]Expected `json:"files"`
	// Entries counts the digests read.
	Entries int `json:"entries"`
}

// Expected is one digest a file may have. An empty Algorithm is a digest
// from an allowlist that does not say its algorithm: it compares with a
// measurement of the same length (so a 64-digit digest with SHA-256 or
// SM3 measurements, whichever the list uses).
type Expected struct {
	Algorithm Algorithm `json:"algorithm,omitempty"`
	Digest    string    `json:"digest"`
	Line      int       `json:"line,omitempty"`
}

// ParseManifest reads a reference manifest in one of three forms, told
// apart by content (docs/trust-snapshot.md):
//
//	# vmc manifest: algorithm, digest, path (the rest of the line)
//	sha256 96d7fae8…b754 /usr/bin/kmod
//	sm3    dca3d0b3…18dd /usr/bin/kmod
//
//	# keylime allowlist, sha256sum style: digest, path
//	96d7fae8…b754  /usr/bin/kmod
//
//	{"digests": {"/usr/bin/kmod": ["96d7fae8…b754"]}}   (keylime runtime policy)
//
// Lines starting with '#' and blank lines are skipped.
func ParseManifest(file string, r io.Reader) (Manifest, error) {
	br := bufio.NewReader(r)
	m := Manifest{Files: map[string][]Expected{}}
	head, _ := br.Peek(512)
	if t := strings.TrimLeft(string(head), " \t\r\n\ufeff"); strings.HasPrefix(t, "{") {
		return m, parsePolicy(file, br, &m)
	}
	err := eachLine(file, br, func(n int, line string) error {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			return nil
		}
		first, rest, _ := strings.Cut(t, " ")
		var e Expected
		if alg, ok := ParseAlgorithm(strings.TrimSuffix(first, ":")); ok {
			digest, path, _ := strings.Cut(strings.TrimLeft(rest, " \t"), " ")
			e = Expected{Algorithm: alg, Digest: digest, Line: n}
			rest = path
		} else {
			e = Expected{Digest: first, Line: n}
		}
		path := strings.TrimSpace(rest)
		if err := m.add(file, n, path, e); err != nil {
			return err
		}
		return nil
	})
	if err == nil && m.Entries == 0 {
		err = errorf(file, 0, "", "no digests")
	}
	return m, err
}

func (m *Manifest) add(file string, n int, path string, e Expected) error {
	d := strings.ToLower(e.Digest)
	switch {
	case !isHex(d):
		return errorf(file, n, "digest", "not hex: %q", short(e.Digest))
	case e.Algorithm != "" && len(d) != 2*e.Algorithm.Size():
		return errorf(file, n, "digest", "a %s digest has %d hex digits, not %d", e.Algorithm, 2*e.Algorithm.Size(), len(d))
	case e.Algorithm == "" && !knownLength(len(d)):
		return errorf(file, n, "digest", "%d hex digits is no SHA-1, SHA-256, SM3, SHA-384 or SHA-512 digest", len(d))
	case path == "":
		return errorf(file, n, "path", "missing")
	case len(path) > 4096:
		return errorf(file, n, "path", "longer than PATH_MAX (4096 bytes)")
	}
	e.Digest = d
	if m.Entries >= MaxLines {
		return errorf(file, n, "", "more than %d digests", MaxLines)
	}
	m.Files[path] = append(m.Files[path], e)
	m.Entries++
	return nil
}

func knownLength(hexDigits int) bool {
	switch hexDigits {
	case 40, 64, 96, 128:
		return true
	}
	return false
}

// MaxPolicy bounds a JSON runtime policy, read whole.
const MaxPolicy = 256 << 20

// parsePolicy reads keylime's JSON runtime policy: its "digests" map of
// path to digests. Its other parts (excludes, keyrings, ima-buf) are not
// a manifest's business and are ignored.
func parsePolicy(file string, r io.Reader, m *Manifest) error {
	var p struct {
		Digests map[string][]string `json:"digests"`
	}
	dec := json.NewDecoder(io.LimitReader(r, MaxPolicy))
	if err := dec.Decode(&p); err != nil {
		return &ParseError{File: file, Field: "digests", Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	if len(p.Digests) == 0 {
		return errorf(file, 0, "digests", "no digests")
	}
	for path, ds := range p.Digests {
		for i, d := range ds {
			if err := m.add(file, 0, path, Expected{Digest: d}); err != nil {
				err.(*ParseError).Field = fmt.Sprintf("digests[%q][%d]", short(path), i)
				return err
			}
		}
	}
	return nil
}
