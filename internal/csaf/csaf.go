package csaf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// MaxSize is the largest document Validate accepts. CSAF section 5.1 sets no
// limit, but real advisories are well under a few MiB; 64 MiB keeps the
// decoded tree, which takes several times the input's size, bounded.
const MaxSize = 64 << 20

var (
	// ErrNotJSON is wrapped by Validate's error for input that is not one
	// JSON value: a CSAF document must be JSON before any test can judge it.
	ErrNotJSON = errors.New("csaf: not a JSON document")
	// ErrTooLarge is wrapped by Validate's error for input over MaxSize.
	ErrTooLarge = errors.New("csaf: document too large")
)

// Severity says how much a finding matters: a schema or mandatory-test
// finding makes a document invalid, the others do not.
type Severity int

const (
	Error   Severity = iota // the schema or a mandatory test (section 6.1) failed
	Warning                 // an optional test (section 6.2) failed
	Info                    // an informative test (section 6.3) failed
)

var severityNames = []string{Error: "error", Warning: "warning", Info: "info"}

func (s Severity) String() string {
	if s.IsValid() {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// IsValid reports whether s is one of the three severities.
func (s Severity) IsValid() bool { return s >= Error && s <= Info }

// MarshalText writes the severity's name, so JSON reports read "error".
func (s Severity) MarshalText() ([]byte, error) {
	if !s.IsValid() {
		return nil, fmt.Errorf("csaf: invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText accepts only the three names.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if string(b) == n {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("csaf: unknown severity %q", b)
}

// Finding is one failed test at one place in the document.
type Finding struct {
	// Test is "schema" for the JSON schema, or the number of the test in
	// CSAF 2.0 section 6, such as "6.1.8" or "6.1.27.9".
	Test string `json:"test"`
	// Path locates the value in JSONPath notation, for example
	// "$.vulnerabilities[0].scores[0].cvss_v3".
	Path     string   `json:"path"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
}

// Result is what Validate found in one document, in test order.
type Result struct {
	Findings []Finding `json:"findings"`
}

// Valid reports whether the document passes the schema and every mandatory
// test, which is what CSAF section 9.1.14 asks of a CSAF validator.
func (r Result) Valid() bool {
	for _, f := range r.Findings {
		if f.Severity == Error {
			return false
		}
	}
	return true
}

// Format writes one line per finding, errors first, then warnings, then
// informative findings:
//
//	name: 6.1.8 $.vulnerabilities[0].scores[0].cvss_v3: message
//
// A valid document without findings writes nothing.
func (r Result) Format(w io.Writer, name string) error {
	fs := slices.Clone(r.Findings)
	slices.SortStableFunc(fs, func(a, b Finding) int { return int(a.Severity) - int(b.Severity) })
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s: %s %s: %s\n", name, f.Test, f.Path, f.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Validate runs the schema and every test of CSAF 2.0 section 6 that needs
// no network access over one document. It returns an error only when data is
// not a single JSON value or is larger than MaxSize; everything else,
// however broken, is a finding.
func Validate(data []byte) (Result, error) {
	if len(data) > MaxSize {
		return Result{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(data), MaxSize)
	}
	v, err := decode(data)
	if err != nil {
		return Result{}, err
	}
	d := &doc{root: root(v), raw: data}
	for _, t := range tests {
		d.test, d.count = t.id, 0
		t.run(d)
		if d.count > maxPerTest {
			d.findings = append(d.findings, Finding{
				Test:     t.id,
				Path:     d.root.path,
				Message:  fmt.Sprintf("%d more findings of this test are not listed", d.count-maxPerTest),
				Severity: severityOf(t.id),
			})
		}
	}
	return Result{Findings: d.findings}, nil
}

// ValidateReader reads one document from r, at most MaxSize bytes of it, and
// validates it.
func ValidateReader(r io.Reader) (Result, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return Result{}, fmt.Errorf("csaf: read: %w", err)
	}
	return Validate(b)
}

// decode parses doc keeping numbers as json.Number, so the schema's bounds
// and the CVSS scores compare exactly, and rejects anything after the value.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotJSON, err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the top-level value, which ends at offset %d", ErrNotJSON, end)
	}
	return v, nil
}

// doc is the state of one validation run.
type doc struct {
	root     node
	raw      []byte
	test     string // the test running now
	count    int    // findings of the running test so far
	findings []Finding
	tree     *productTree // built on first use by products()
}

// maxPerTest bounds the findings one test lists. A hostile or broken
// document can fail a test once per product or per key, millions of times;
// past this many, a reader learns nothing new, and the memory is better
// spent elsewhere. The rest are counted in one closing finding.
const maxPerTest = 1000

// report records a finding of the running test.
func (d *doc) report(path, format string, args ...any) {
	d.count++
	if d.count > maxPerTest {
		return
	}
	d.findings = append(d.findings, Finding{
		Test:     d.test,
		Path:     path,
		Message:  fmt.Sprintf(format, args...),
		Severity: severityOf(d.test),
	})
}

func severityOf(test string) Severity {
	switch {
	case strings.HasPrefix(test, "6.2."):
		return Warning
	case strings.HasPrefix(test, "6.3."):
		return Info
	}
	return Error
}

// tests lists every test Validate runs, in the order of section 6. Tests
// 6.3.6 and 6.3.7 (URLs that fail to resolve) need the network and 6.3.8
// (spell check) needs a dictionary per language; vmc runs neither.
var tests = []struct {
	id  string
	run func(*doc)
}{
	{"schema", checkSchema},
	{"6.1.1", checkMissingProductDefinition},
	{"6.1.2", checkMultipleProductDefinition},
	{"6.1.3", checkCircularProductDefinition},
	{"6.1.4", checkMissingGroupDefinition},
	{"6.1.5", checkMultipleGroupDefinition},
	{"6.1.6", checkContradictingStatus},
	{"6.1.7", checkMultipleScores},
	{"6.1.8", checkInvalidCVSS},
	{"6.1.9", checkCVSSComputation},
	{"6.1.10", checkInconsistentCVSS},
	{"6.1.11", checkCWE},
	{"6.1.12", checkLanguage},
	{"6.1.13", checkPURL},
	{"6.1.14", checkSortedRevisionHistory},
	{"6.1.15", checkTranslator},
	{"6.1.16", checkLatestVersion},
	{"6.1.17", checkDraftStatus},
	{"6.1.18", checkReleasedRevisionHistory},
	{"6.1.19", checkPreReleaseRevisions},
	{"6.1.20", checkNonDraftVersion},
	{"6.1.21", checkMissingRevision},
	{"6.1.22", checkMultipleRevisionDefinition},
	{"6.1.23", checkMultipleCVE},
	{"6.1.24", checkMultipleInvolvements},
	{"6.1.25", checkMultipleHashAlgorithms},
	{"6.1.26", checkProhibitedCategory},
	{"6.1.27.1", checkProfileDocumentNotes},
	{"6.1.27.2", checkProfileDocumentReferences},
	{"6.1.27.3", checkProfileNoVulnerabilities},
	{"6.1.27.4", checkProfileProductTree},
	{"6.1.27.5", checkProfileVulnerabilityNotes},
	{"6.1.27.6", checkProfileProductStatus},
	{"6.1.27.7", checkProfileVEXStatus},
	{"6.1.27.8", checkProfileVulnerabilityID},
	{"6.1.27.9", checkProfileImpactStatement},
	{"6.1.27.10", checkProfileActionStatement},
	{"6.1.27.11", checkProfileVulnerabilities},
	{"6.1.28", checkTranslation},
	{"6.1.29", checkRemediationReference},
	{"6.1.30", checkMixedVersioning},
	{"6.1.31", checkVersionRange},
	{"6.1.32", checkFlagReference},
	{"6.1.33", checkMultipleFlags},
	{"6.2.1", checkUnusedProduct},
	{"6.2.2", checkMissingRemediation},
	{"6.2.3", checkMissingScore},
	{"6.2.4", checkBuildMetadata},
	{"6.2.5", checkInitialReleaseDate},
	{"6.2.6", checkCurrentReleaseDate},
	{"6.2.7", checkInvolvementDate},
	{"6.2.8", checkOnlyMD5},
	{"6.2.9", checkOnlySHA1},
	{"6.2.10", checkTLPLabel},
	{"6.2.11", checkCanonicalURL},
	{"6.2.12", checkDocumentLanguage},
	{"6.2.13", checkSorting},
	{"6.2.14", checkPrivateLanguage},
	{"6.2.15", checkDefaultLanguage},
	{"6.2.16", checkIdentificationHelper},
	{"6.2.17", checkCVEInIDs},
	{"6.2.18", checkVersionRangeVers},
	{"6.2.19", checkFixedProductScore},
	{"6.2.20", checkAdditionalProperties},
	{"6.3.1", checkOnlyCVSSv2},
	{"6.3.2", checkCVSSv30},
	{"6.3.3", checkMissingCVE},
	{"6.3.4", checkMissingCWE},
	{"6.3.5", checkShortHash},
	{"6.3.9", checkBranchCategories},
	{"6.3.10", checkVersionRangeUse},
	{"6.3.11", checkVersionIndicator},
}
