package suggest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// Format names the model file's layout; Decode refuses any other.
const Format = "vmc-suggest-nb/1"

// Limits on a model file. A model trained on the whole corpus is a few
// MiB compressed and some tens uncompressed; the limits leave room and
// stop a hostile or corrupt file (a gzip bomb) from exhausting memory.
const (
	maxModelBytes   = 64 << 20
	maxModelJSON    = 512 << 20
	maxFeatureBytes = 256
	maxBias         = 1e6
)

// ErrModel marks a model file that cannot be used.
var ErrModel = errors.New("invalid model file")

// file is the model's JSON layout.
type file struct {
	Format string              `json:"format"`
	Config Config              `json:"config"`
	Langs  map[string]langFile `json:"langs"`
}

type langFile struct {
	Examples int                       `json:"examples"`
	Vocab    []string                  `json:"vocab"`
	Targets  map[string]classifierFile `json:"targets"`
}

// classifierFile flattens the sparse counts into feature, class, count
// triples ordered by feature then class: compact, and in one order only.
type classifierFile struct {
	Classes []string `json:"classes"`
	Docs    []int    `json:"docs"`
	Counts  []int    `json:"counts"`
	// Bias is Classifier.Bias; a model trained before it has none.
	Bias []float64 `json:"bias,omitempty"`
}

// Encode writes the model as gzip-compressed JSON and sets its Version
// from the digest of the JSON.
func (m *Model) Encode(w io.Writer) error {
	f := file{Format: Format, Config: m.Config, Langs: map[string]langFile{}}
	for lang, lm := range m.Langs {
		lf := langFile{Examples: lm.Examples, Vocab: lm.Vocab, Targets: map[string]classifierFile{}}
		for t, c := range lm.Targets {
			cf := classifierFile{Classes: c.Classes, Docs: c.Docs, Counts: []int{}, Bias: c.Bias}
			feats := make([]int, 0, len(c.Counts))
			for fi := range c.Counts {
				feats = append(feats, fi)
			}
			slices.Sort(feats)
			for _, fi := range feats {
				for _, cc := range c.Counts[fi] {
					cf.Counts = append(cf.Counts, fi, cc.Class, cc.N)
				}
			}
			lf.Targets[t] = cf
		}
		f.Langs[lang] = lf
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode model: %w", err)
	}
	m.Version = version(raw)
	zw := gzip.NewWriter(w)
	if _, err := zw.Write(raw); err != nil {
		return fmt.Errorf("encode model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("encode model: %w", err)
	}
	return nil
}

func version(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "nb-" + hex.EncodeToString(sum[:6])
}

// Decode reads a model written by Encode, checking every index and count
// so that prediction cannot go out of range.
func Decode(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(io.LimitReader(r, maxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrModel, err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxModelJSON+1))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrModel, err)
	}
	if len(raw) > maxModelJSON {
		return nil, fmt.Errorf("%w: larger than %d bytes uncompressed", ErrModel, maxModelJSON)
	}
	var f file
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	if f.Format != Format {
		return nil, fmt.Errorf("%w: format: got %q, want %q", ErrModel, f.Format, Format)
	}
	if a := f.Config.Alpha; !(a > 0) || math.IsInf(a, 0) {
		return nil, fmt.Errorf("%w: config.alpha: %v is not a positive number", ErrModel, a)
	}
	m := &Model{Version: version(raw), Config: f.Config, Langs: map[string]*LangModel{}}
	for lang, lf := range f.Langs {
		lm, err := lf.model()
		if err != nil {
			return nil, fmt.Errorf("%w: langs.%s.%v", ErrModel, lang, err)
		}
		if !slices.Contains(Langs, lang) {
			return nil, fmt.Errorf("%w: langs: unknown language %q", ErrModel, lang)
		}
		m.Langs[lang] = lm
	}
	m.prepare()
	return m, nil
}

func (lf langFile) model() (*LangModel, error) {
	for i, v := range lf.Vocab {
		switch {
		case len(v) > maxFeatureBytes:
			return nil, fmt.Errorf("vocab[%d]: longer than %d bytes", i, maxFeatureBytes)
		case i > 0 && lf.Vocab[i-1] >= v:
			return nil, fmt.Errorf("vocab[%d]: %q not sorted or repeated", i, v)
		}
	}
	lm := &LangModel{Vocab: lf.Vocab, Examples: lf.Examples, Targets: map[string]*Classifier{}}
	for t, cf := range lf.Targets {
		if !slices.Contains(Targets, t) {
			return nil, fmt.Errorf("targets: unknown target %q", t)
		}
		c, err := cf.classifier(len(lf.Vocab))
		if err != nil {
			return nil, fmt.Errorf("targets.%s.%v", t, err)
		}
		lm.Targets[t] = c
	}
	lm.buildIndex()
	return lm, nil
}

func (cf classifierFile) classifier(vocab int) (*Classifier, error) {
	k := len(cf.Classes)
	switch {
	case k == 0:
		return nil, errors.New("classes: empty")
	case len(cf.Docs) != k:
		return nil, fmt.Errorf("docs: %d counts for %d classes", len(cf.Docs), k)
	case len(cf.Counts)%3 != 0:
		return nil, fmt.Errorf("counts: length %d is not a multiple of 3", len(cf.Counts))
	}
	for i, c := range cf.Classes {
		if i > 0 && cf.Classes[i-1] >= c {
			return nil, fmt.Errorf("classes[%d]: %q not sorted or repeated", i, c)
		}
		if cf.Docs[i] < 0 {
			return nil, fmt.Errorf("docs[%d]: negative", i)
		}
	}
	if cf.Bias != nil && len(cf.Bias) != k {
		return nil, fmt.Errorf("bias: %d biases for %d classes", len(cf.Bias), k)
	}
	for i, b := range cf.Bias {
		// A bias beyond this would swamp every feature: no tuning
		// produces one, and an infinite one would make NaN probabilities.
		if math.IsNaN(b) || math.Abs(b) > maxBias {
			return nil, fmt.Errorf("bias[%d]: %v is not a number within ±%g", i, b, float64(maxBias))
		}
	}
	c := &Classifier{Classes: cf.Classes, Docs: cf.Docs, Counts: map[int][]ClassCount{}, Bias: cf.Bias}
	prevF, prevC := -1, -1
	for i := 0; i < len(cf.Counts); i += 3 {
		f, cl, n := cf.Counts[i], cf.Counts[i+1], cf.Counts[i+2]
		switch {
		case f < 0 || f >= vocab:
			return nil, fmt.Errorf("counts[%d]: feature %d out of range", i, f)
		case cl < 0 || cl >= k:
			return nil, fmt.Errorf("counts[%d]: class %d out of range", i+1, cl)
		case n < 1 || n > cf.Docs[cl]:
			return nil, fmt.Errorf("counts[%d]: count %d outside 1..%d", i+2, n, cf.Docs[cl])
		case f < prevF || (f == prevF && cl <= prevC):
			return nil, fmt.Errorf("counts[%d]: feature %d class %d out of order", i, f, cl)
		}
		prevF, prevC = f, cl
		c.Counts[f] = append(c.Counts[f], ClassCount{Class: cl, N: n})
	}
	return c, nil
}

// Bytes encodes the model into memory.
func (m *Model) Bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := m.Encode(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
