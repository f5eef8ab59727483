package suggest

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
)

// Example is one labelled description.
type Example struct {
	// ID is the vulnerability's id; the held-out split hashes it.
	ID   string
	Lang string
	Text string
	// CWE is the weakness label ("CWE-79"), empty if unknown.
	CWE string
	// Metrics are the CVSS v3 base metric values by metric ("AV": "N"),
	// nil if unknown.
	Metrics map[string]string
}

// Targets are what the model predicts: the CWE and each CVSS v3.1 base
// metric, in vector order.
var Targets = []string{TargetCWE, "AV", "AC", "PR", "UI", "S", "C", "I", "A"}

// TargetCWE names the weakness classifier.
const TargetCWE = "CWE"

// metricValues are the values each CVSS v3.1 base metric may take
// (CVSS v3.1 specification, section 7.4).
var metricValues = map[string][]string{
	"AV": {"N", "A", "L", "P"}, "AC": {"L", "H"}, "PR": {"N", "L", "H"}, "UI": {"N", "R"},
	"S": {"U", "C"}, "C": {"H", "L", "N"}, "I": {"H", "L", "N"}, "A": {"H", "L", "N"},
}

// label returns the example's class for a target, "" when unlabelled.
func (e *Example) label(target string) string {
	if target == TargetCWE {
		return e.CWE
	}
	return e.Metrics[target]
}

// Config sets training. The zero value is not useful; use DefaultConfig.
type Config struct {
	// Seed salts the held-out split.
	Seed uint64
	// HoldOut is one in how many examples (by id hash) is held out.
	HoldOut int
	// MinDF drops features seen in fewer training documents.
	MinDF int
	// MaxVocab keeps the features with the highest document frequency.
	MaxVocab int
	// MinClass drops CWE classes with fewer training examples: a class
	// seen twice teaches nothing and costs a row of counts.
	MinClass int
	// Alpha is the additive (Laplace/Lidstone) smoothing.
	Alpha float64
	// Calibrate is one in how many training examples (by a second id
	// hash, never the held-out split) tunes each CVSS metric's class
	// biases; 0 tunes none. See tuneBias.
	Calibrate int
}

// DefaultConfig is what vmc classify train uses.
var DefaultConfig = Config{Seed: 1, HoldOut: 5, MinDF: 3, MaxVocab: 40000, MinClass: 5, Alpha: 0.1, Calibrate: 5}

// HeldOut reports whether an example with id is in the held-out split:
// FNV-1a of the seed and the upper-cased id, so the split is the same on
// every run and on both stores.
func (c Config) HeldOut(id string) bool {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d:%s", c.Seed, strings.ToUpper(id))
	return c.HoldOut > 0 && h.Sum64()%uint64(c.HoldOut) == 0
}

// validation reports whether a training example with id tunes the class
// biases: a hash salted differently from HeldOut's, so the validation
// examples are a fair sample of the training split.
func (c Config) validation(id string) bool {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d:calibrate:%s", c.Seed, strings.ToUpper(id))
	return c.Calibrate > 0 && h.Sum64()%uint64(c.Calibrate) == 0
}

// Model is a trained set of classifiers, one per language and target.
type Model struct {
	// Version is "nb-" and a digest of the encoded model; set by Encode
	// and Decode.
	Version string
	Config  Config
	Langs   map[string]*LangModel
}

// LangModel is the classifiers of one language over one vocabulary.
type LangModel struct {
	// Vocab is sorted; a feature's index is its position.
	Vocab   []string
	Targets map[string]*Classifier
	// Examples counts the training examples.
	Examples int

	index map[string]int
}

// Classifier is multinomial naive Bayes over binary features.
type Classifier struct {
	Classes []string
	// Docs counts training documents per class.
	Docs []int
	// Counts holds, per feature, the classes it occurs in and how many of
	// their documents have it: sparse, since most features occur in few
	// classes.
	Counts map[int][]ClassCount

	// Bias is added to each class's log score (nil: none). Naive Bayes
	// over many binary features is over-confident, and its errors are not
	// symmetric: on Attack Complexity it answers the rare "High" far more
	// often than it is right, and does worse than always answering "Low".
	// Train tunes the bias on a validation part of the training split.
	Bias []float64

	// Derived by prepare: log prior, per-class log probability of an
	// unseen feature, and per class the feature total.
	logPrior, logUnseen []float64
	logDenom            []float64
	alpha               float64
}

// ClassCount is one class's document count for one feature.
type ClassCount struct {
	Class int
	N     int
}

// Train builds a model from the training split of examples.
func Train(examples []Example, cfg Config) *Model {
	m := &Model{Config: cfg, Langs: map[string]*LangModel{}}
	for _, lang := range Langs {
		var docs [][]string
		var train []*Example
		for i := range examples {
			e := &examples[i]
			if e.Lang != lang || cfg.HeldOut(e.ID) {
				continue
			}
			train = append(train, e)
			docs = append(docs, Features(e.Text, lang))
		}
		if len(train) == 0 {
			continue
		}
		lm := &LangModel{Vocab: vocabulary(docs, cfg), Targets: map[string]*Classifier{}, Examples: len(train)}
		lm.buildIndex()
		for _, t := range Targets {
			if c := trainOne(lm, train, docs, t, cfg); c != nil {
				if t != TargetCWE {
					c.Bias = calibrate(lm, train, docs, t, cfg, c.Classes)
				}
				lm.Targets[t] = c
			}
		}
		m.Langs[lang] = lm
	}
	m.prepare()
	return m
}

// vocabulary keeps features in at least MinDF documents, the MaxVocab most
// frequent, ties by name, sorted by name.
func vocabulary(docs [][]string, cfg Config) []string {
	df := map[string]int{}
	for _, d := range docs {
		for _, f := range d {
			df[f]++
		}
	}
	var fs []string
	for f, n := range df {
		if n >= cfg.MinDF {
			fs = append(fs, f)
		}
	}
	slices.SortFunc(fs, func(a, b string) int {
		if c := cmp.Compare(df[b], df[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if len(fs) > cfg.MaxVocab {
		fs = fs[:cfg.MaxVocab]
	}
	slices.Sort(fs)
	return fs
}

func (lm *LangModel) buildIndex() {
	lm.index = make(map[string]int, len(lm.Vocab))
	for i, f := range lm.Vocab {
		lm.index[f] = i
	}
}

func trainOne(lm *LangModel, train []*Example, docs [][]string, target string, cfg Config) *Classifier {
	freq := map[string]int{}
	for _, e := range train {
		if l := e.label(target); l != "" {
			freq[l]++
		}
	}
	var classes []string
	for l, n := range freq {
		if target != TargetCWE || n >= cfg.MinClass {
			classes = append(classes, l)
		}
	}
	if len(classes) == 0 {
		return nil
	}
	slices.Sort(classes)
	c := &Classifier{Classes: classes, Docs: make([]int, len(classes)), Counts: map[int][]ClassCount{}}
	counts := map[[2]int]int{}
	for i, e := range train {
		ci, ok := slices.BinarySearch(classes, e.label(target))
		if !ok {
			continue
		}
		c.Docs[ci]++
		for _, f := range docs[i] {
			if fi, ok := lm.index[f]; ok {
				counts[[2]int{fi, ci}]++
			}
		}
	}
	for k, n := range counts {
		c.Counts[k[0]] = append(c.Counts[k[0]], ClassCount{Class: k[1], N: n})
	}
	for f := range c.Counts {
		slices.SortFunc(c.Counts[f], func(a, b ClassCount) int { return cmp.Compare(a.Class, b.Class) })
	}
	return c
}

// prepare derives the log probabilities from the counts.
func (m *Model) prepare() {
	for _, lm := range m.Langs {
		if lm.index == nil {
			lm.buildIndex()
		}
		for _, c := range lm.Targets {
			c.prepare(len(lm.Vocab), m.Config.Alpha)
		}
	}
}

// prepare computes, per class, log P(class) and the denominator of
// P(feature | class) = (n + alpha) / (total_c + alpha·V), where total_c is
// the number of feature occurrences in the class's documents.
func (c *Classifier) prepare(vocab int, alpha float64) {
	k := len(c.Classes)
	c.alpha = alpha
	c.logPrior = make([]float64, k)
	c.logUnseen = make([]float64, k)
	c.logDenom = make([]float64, k)
	total := make([]float64, k)
	docs := 0
	for _, n := range c.Docs {
		docs += n
	}
	for _, ccs := range c.Counts {
		for _, cc := range ccs {
			total[cc.Class] += float64(cc.N)
		}
	}
	for i := range k {
		c.logPrior[i] = math.Log((float64(c.Docs[i]) + 1) / (float64(docs) + float64(k)))
		c.logDenom[i] = math.Log(total[i] + alpha*float64(vocab))
		c.logUnseen[i] = math.Log(alpha) - c.logDenom[i]
	}
}

// Scored is a class with its probability under the model.
type Scored struct {
	Class string  `json:"class"`
	P     float64 `json:"p"`
}

// rank scores every class for a document's feature indexes and returns
// them most probable first, probabilities normalised to sum to one.
func (c *Classifier) rank(fis []int) []Scored {
	score := c.scores(fis)
	for i, b := range c.Bias {
		score[i] += b
	}
	best := math.Inf(-1)
	for _, s := range score {
		best = max(best, s)
	}
	out := make([]Scored, len(score))
	sum := 0.0
	for i, s := range score {
		p := math.Exp(s - best)
		out[i] = Scored{Class: c.Classes[i], P: p}
		sum += p
	}
	for i := range out {
		out[i].P /= sum
	}
	slices.SortStableFunc(out, func(a, b Scored) int {
		if c := cmp.Compare(b.P, a.P); c != 0 {
			return c
		}
		return strings.Compare(a.Class, b.Class)
	})
	return out
}

// scores returns each class's log score for a document's feature
// indexes, without the bias.
func (c *Classifier) scores(fis []int) []float64 {
	k := len(c.Classes)
	score := make([]float64, k)
	for i := range k {
		score[i] = c.logPrior[i] + float64(len(fis))*c.logUnseen[i]
	}
	la := math.Log(c.alpha)
	for _, f := range fis {
		for _, cc := range c.Counts[f] {
			score[cc.Class] += math.Log(float64(cc.N)+c.alpha) - la
		}
	}
	return score
}

// Prediction is the model's ranking of every target's classes for one
// text.
type Prediction struct {
	Lang    string              `json:"lang"`
	Targets map[string][]Scored `json:"targets"`
}

// Predict ranks each target's classes for text in lang. It reports false
// when the model has no classifiers for lang or the text has no known
// feature.
func (m *Model) Predict(text, lang string) (Prediction, bool) {
	lm := m.Langs[lang]
	if lm == nil {
		return Prediction{}, false
	}
	var fis []int
	for _, f := range Features(text, lang) {
		if i, ok := lm.index[f]; ok {
			fis = append(fis, i)
		}
	}
	if len(fis) == 0 {
		return Prediction{}, false
	}
	p := Prediction{Lang: lang, Targets: map[string][]Scored{}}
	for t, c := range lm.Targets {
		p.Targets[t] = c.rank(fis)
	}
	return p, true
}

// Vector returns the CVSS v3.1 base vector of the most probable value of
// each metric and the product of their probabilities, or false when a
// metric is missing from the prediction.
func (p Prediction) Vector() (string, float64, bool) {
	var b strings.Builder
	b.WriteString("CVSS:3.1")
	conf := 1.0
	for _, t := range Targets[1:] {
		r := p.Targets[t]
		if len(r) == 0 {
			return "", 0, false
		}
		fmt.Fprintf(&b, "/%s:%s", t, r[0].Class)
		conf *= r[0].P
	}
	return b.String(), conf, true
}
