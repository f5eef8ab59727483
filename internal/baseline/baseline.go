package baseline

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ErrInvalid marks a baseline that breaks the rules of the format.
var ErrInvalid = errors.New("invalid baseline")

// Text is a short text in English and Simplified Chinese.
type Phrase struct {
	En string `json:"en"`
	ZH string `json:"zh-CN"`
}

// In returns the text in lang ("en", "zh-CN"), English otherwise.
func (t Phrase) In(lang string) string {
	if strings.HasPrefix(lang, "zh") && t.ZH != "" {
		return t.ZH
	}
	return t.En
}

// Citation is the public guidance a rule is written from.
type Citation struct {
	// Name is the document: "Mozilla OpenSSH guidelines", "DISA RHEL 9
	// STIG V2R2", "KSPP recommended settings".
	Name string `json:"name"`
	URL  string `json:"url"`
	// Section is the part of the document: a heading, a STIG rule id.
	Section string `json:"section,omitempty"`
}

// Severity is how much a failed rule matters, on vmc's scale for tool
// results.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

var severities = []Severity{Critical, High, Medium, Low, Info}

// IsValid reports whether s is a known severity.
func (s Severity) IsValid() bool { return slices.Contains(severities, s) }

// Rank orders severities: info 0 … critical 4.
func (s Severity) Rank() int { return len(severities) - 1 - slices.Index(severities, s) }

// UnmarshalText rejects unknown severities.
func (s *Severity) UnmarshalText(b []byte) error {
	if !Severity(b).IsValid() {
		return fmt.Errorf("unknown severity %q (want one of %v)", b, severities)
	}
	*s = Severity(b)
	return nil
}

// Kind is what part of a host's configuration a rule checks.
type Kind string

const (
	// SSHD is a setting of the OpenSSH server, by keyword (any case).
	SSHD Kind = "sshd"
	// Sysctl is a kernel parameter, by its sysctl key.
	Sysctl Kind = "sysctl"
	// Package is an installed package, by its binary package name.
	Package Kind = "package"
	// Service is a systemd unit file's state, by unit name.
	Service Kind = "service"
	// File is a file's mode and owner, by absolute path.
	File Kind = "file"
	// TLS is a TLS setting of a server, by "<server>:<directive>"
	// ("nginx:ssl_protocols").
	TLS Kind = "tls"
)

var kinds = []Kind{SSHD, Sysctl, Package, Service, File, TLS}

// UnmarshalText rejects unknown kinds.
func (k *Kind) UnmarshalText(b []byte) error {
	if !slices.Contains(kinds, Kind(b)) {
		return fmt.Errorf("unknown kind %q (want one of %v)", b, kinds)
	}
	*k = Kind(b)
	return nil
}

// Op is how a rule compares the actual value with its expected values.
type Op string

const (
	// OneOf passes when the value is one of the values (ignoring case):
	// a single value is "must be", several an allowed set.
	OneOf Op = "one_of"
	// NoneOf passes when the value is none of the values: forbidden.
	NoneOf Op = "none_of"
	// AtLeast and AtMost compare integers with the single value.
	AtLeast Op = "at_least"
	AtMost  Op = "at_most"
	// Subset passes when every item of a list-valued setting (items
	// separated by commas, colons or spaces, as sshd's Ciphers or
	// nginx's ssl_protocols) is one of the values.
	Subset Op = "subset"
	// Disjoint passes when no item of a list-valued setting is one of
	// the values.
	Disjoint Op = "disjoint"
	// Present and Absent are for packages; Present with a value requires
	// that version or later in the package's ecosystem's order.
	Present Op = "present"
	Absent  Op = "absent"
	// MinVersion passes when the package is at least the version, and
	// does not apply when it is not installed.
	MinVersion Op = "min_version"
	// ModeAtMost passes when a file's mode grants no permission bit
	// beyond the octal value ("0600").
	ModeAtMost Op = "mode_at_most"
)

// ops lists the operators each kind may use.
var ops = map[Kind][]Op{
	SSHD:    {OneOf, NoneOf, AtLeast, AtMost, Subset, Disjoint},
	Sysctl:  {OneOf, NoneOf, AtLeast, AtMost},
	Package: {Present, Absent, MinVersion},
	Service: {OneOf, NoneOf},
	File:    {ModeAtMost, OneOf},
	TLS:     {OneOf, NoneOf, Subset, Disjoint},
}

// Check is what a rule compares.
type Check struct {
	Kind Kind `json:"kind"`
	// Key names the setting, parameter, package, unit or file.
	Key string `json:"key"`
	// Field is, for files, "mode" or "owner" ("root:root"); empty
	// otherwise.
	Field  string   `json:"field,omitempty"`
	Op     Op       `json:"op"`
	Values []string `json:"values,omitempty"`
	// Default is the value sshd uses when the setting is absent, from
	// sshd_config(5) of the OpenSSH release the baseline is for.
	Default string `json:"default,omitempty"`
}

// Place is where on a host the check looks, as one string: the finding
// a failed rule opens is on this place of the asset.
func (c Check) Place() string {
	p := string(c.Kind) + ":" + c.Key
	if c.Field != "" {
		p += ":" + c.Field
	}
	return p
}

// Rule is one check of a baseline.
type Rule struct {
	// ID is unique within the baseline ("SSH-01").
	ID        string   `json:"id"`
	Title     Phrase   `json:"title"`
	Severity  Severity `json:"severity"`
	Rationale Phrase   `json:"rationale"`
	Source    Citation `json:"source"`
	Check     Check    `json:"check"`
}

// Baseline is a versioned rule set.
type Baseline struct {
	// ID names the baseline across its versions ("debian-openssh-server").
	ID      string `json:"id"`
	Version string `json:"version"`
	Title   Phrase `json:"title"`
	// Applies says what the baseline is for ("OpenSSH 9.x on Debian 12").
	Applies string `json:"applies"`
	Rules   []Rule `json:"rules"`
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Validate checks what evaluation relies on and names the offending
// rule and field.
func (b *Baseline) Validate() error {
	bad := func(where, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalid, where, fmt.Sprintf(format, args...))
	}
	switch {
	case !idPattern.MatchString(b.ID):
		return bad("id", "malformed %q", b.ID)
	case b.Version == "" || len(b.Version) > 32:
		return bad("version", "empty or too long")
	case b.Title.En == "" || b.Title.ZH == "":
		return bad("title", "both en and zh-CN are required")
	case len(b.Rules) == 0:
		return bad("rules", "empty")
	}
	seen := map[string]bool{}
	for i, r := range b.Rules {
		where := fmt.Sprintf("rules[%d] %s", i, r.ID)
		c := r.Check
		switch {
		case !idPattern.MatchString(r.ID):
			return bad(fmt.Sprintf("rules[%d].id", i), "malformed %q", r.ID)
		case seen[r.ID]:
			return bad(where+".id", "duplicate")
		case r.Title.En == "" || r.Title.ZH == "":
			return bad(where+".title", "both en and zh-CN are required")
		case r.Rationale.En == "" || r.Rationale.ZH == "":
			return bad(where+".rationale", "both en and zh-CN are required")
		case !r.Severity.IsValid():
			return bad(where+".severity", "unknown %q", r.Severity)
		case r.Source.Name == "":
			return bad(where+".source.name", "empty: every rule cites its source")
		case !httpsURL(r.Source.URL):
			return bad(where+".source.url", "not an https URL: %q", r.Source.URL)
		case c.Key == "":
			return bad(where+".check.key", "empty")
		case !slices.Contains(ops[c.Kind], c.Op):
			return bad(where+".check.op", "%q is not an operator of kind %q (want one of %v)", c.Op, c.Kind, ops[c.Kind])
		}
		seen[r.ID] = true
		if err := c.validValues(); err != nil {
			return bad(where+".check.values", "%v", err)
		}
	}
	return nil
}

func (c Check) validValues() error {
	switch c.Op {
	case Absent:
		if len(c.Values) > 0 {
			return errors.New("absent takes no value")
		}
	case Present:
		if len(c.Values) > 1 {
			return errors.New("present takes at most a minimum version")
		}
	case MinVersion:
		if len(c.Values) != 1 {
			return errors.New("one version expected")
		}
	case AtLeast, AtMost:
		if len(c.Values) != 1 {
			return errors.New("one integer expected")
		}
		if _, err := strconv.ParseInt(c.Values[0], 10, 64); err != nil {
			return fmt.Errorf("not an integer: %q", c.Values[0])
		}
	case ModeAtMost:
		if len(c.Values) != 1 {
			return errors.New("one octal mode expected")
		}
		if _, err := strconv.ParseUint(c.Values[0], 8, 32); err != nil {
			return fmt.Errorf("not an octal mode: %q", c.Values[0])
		}
	default:
		if len(c.Values) == 0 {
			return errors.New("empty")
		}
	}
	if c.Kind == File && !slices.Contains([]string{"mode", "owner"}, c.Field) {
		return fmt.Errorf("field: want mode or owner, not %q", c.Field)
	}
	return nil
}

func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

// Rule returns the rule with id.
func (b *Baseline) Rule(id string) (Rule, bool) {
	i := slices.IndexFunc(b.Rules, func(r Rule) bool { return r.ID == id })
	if i < 0 {
		return Rule{}, false
	}
	return b.Rules[i], true
}

// maxBaseline bounds a baseline file: the shipped ones are a few KiB.
const maxBaseline = 4 << 20

// Parse reads and validates one baseline file, rejecting unknown fields
// so that a misspelt key does not silently drop a check.
func Parse(name string, data []byte) (Baseline, error) {
	if len(data) > maxBaseline {
		return Baseline{}, fmt.Errorf("%s: %w: larger than %d bytes", name, ErrInvalid, maxBaseline)
	}
	var b Baseline
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Baseline{}, fmt.Errorf("%s: %w: %v", name, ErrInvalid, err)
	}
	if err := b.Validate(); err != nil {
		return Baseline{}, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

//go:embed data/*.json
var builtin embed.FS

// Builtin returns the baselines shipped in the binary, by id. Their
// files are tested, so an error here is a broken build.
func Builtin() ([]Baseline, error) {
	names, err := fs.Glob(builtin, "data/*.json")
	if err != nil {
		return nil, err
	}
	var out []Baseline
	for _, n := range names {
		data, err := builtin.ReadFile(n)
		if err != nil {
			return nil, err
		}
		b, err := Parse(path.Base(n), data)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Baseline) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Find returns the baseline with id among bs.
func Find(bs []Baseline, id string) (Baseline, bool) {
	i := slices.IndexFunc(bs, func(b Baseline) bool { return b.ID == id })
	if i < 0 {
		return Baseline{}, false
	}
	return bs[i], true
}
