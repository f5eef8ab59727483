package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrSyntax marks input a reader cannot read.
var ErrSyntax = errors.New("syntax error")

// ParseError locates what a reader could not read: the file, its line
// (0 for the file as a whole) and the field or keyword.
type ParseError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

func syntaxErr(file string, line int, field, format string, args ...any) error {
	return &ParseError{File: file, Line: line, Field: field, Err: fmt.Errorf("%w: %s", ErrSyntax, fmt.Sprintf(format, args...))}
}

// Limits on what a snapshot holds: far beyond real hosts (a big server
// has some 3,000 packages and 5,000 sysctl keys), small enough that a
// hostile snapshot cannot make vmc hold gigabytes.
const (
	// MaxFile bounds one file read into a snapshot.
	MaxFile     = 64 << 20
	maxEntries  = 200_000
	maxValueLen = 8 << 10
)

// Snapshot is a host's configuration at one time, as far as it was
// collected: a section that is absent (nil) is unknown, and rules on it
// are evaluated as unknown; a present but empty one says the host has
// none. The JSON form is documented in docs/baseline-snapshot.md.
type Snapshot struct {
	// Host is the host's name as the collector saw it.
	Host string `json:"host,omitempty"`
	// Collected is when the configuration was read.
	Collected time.Time   `json:"collected,omitzero"`
	SSHD      *SSHDConfig `json:"sshd,omitempty"`
	// Sysctl holds kernel parameters, by key.
	Sysctl map[string]string `json:"sysctl,omitzero"`
	// Packages are the installed packages.
	Packages []InstalledPackage `json:"packages,omitzero"`
	// Services holds unit file states ("enabled", "disabled", "masked",
	// "static"), by unit name.
	Services map[string]string `json:"services,omitzero"`
	Files    []FileInfo        `json:"files,omitzero"`
	// TLS holds TLS settings, by "<server>:<directive>".
	TLS map[string]string `json:"tls,omitzero"`
	// Sources are the files the snapshot was read from.
	Sources []string `json:"sources,omitempty"`
	// Notes say what the readers could not take into account (an
	// Include with no file given, lines of errors in sysctl -a output).
	Notes []string `json:"notes,omitempty"`
}

// SSHDConfig is the OpenSSH server's configuration.
type SSHDConfig struct {
	// Settings are the global settings in effect, by lower-case
	// keyword: the first value read wins, as sshd does, except for the
	// keywords that accumulate (see accumulating).
	Settings map[string]string `json:"settings"`
	// Matches are the conditional blocks, which sshd applies to the
	// connections matching their criteria.
	Matches []MatchBlock `json:"matches,omitempty"`
}

// MatchBlock is a Match block of sshd_config.
type MatchBlock struct {
	Criteria string            `json:"criteria"`
	File     string            `json:"file,omitempty"`
	Line     int               `json:"line,omitempty"`
	Settings map[string]string `json:"settings"`
}

// InstalledPackage is a package installed on the host.
type InstalledPackage struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Format is "deb" or "rpm": whose version order applies.
	Format string `json:"format"`
	Arch   string `json:"arch,omitempty"`
}

// FileInfo is a file's mode and owner.
type FileInfo struct {
	Path string `json:"path"`
	// Mode is the permission bits in octal ("0600").
	Mode string `json:"mode"`
	// Owner is "user:group".
	Owner string `json:"owner"`
}

// ParseSnapshot reads the JSON form of a snapshot, rejecting unknown
// fields and values evaluation cannot use.
func ParseSnapshot(name string, data []byte) (Snapshot, error) {
	if len(data) > MaxFile {
		return Snapshot{}, syntaxErr(name, 0, "", "larger than %d bytes", MaxFile)
	}
	var s Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		line := 1 + bytes.Count(data[:min(int(dec.InputOffset()), len(data))], []byte("\n"))
		return Snapshot{}, &ParseError{File: name, Line: line, Err: fmt.Errorf("%w: %v", ErrSyntax, err)}
	}
	if dec.More() {
		return Snapshot{}, syntaxErr(name, 0, "", "more than one JSON value")
	}
	if err := s.validate(name); err != nil {
		return Snapshot{}, err
	}
	s.Sources = []string{name}
	return s, nil
}

func (s *Snapshot) validate(name string) error {
	n := len(s.Sysctl) + len(s.Packages) + len(s.Services) + len(s.Files) + len(s.TLS)
	if s.SSHD != nil {
		n += len(s.SSHD.Settings)
		for _, m := range s.SSHD.Matches {
			n += len(m.Settings)
		}
	}
	if n > maxEntries {
		return syntaxErr(name, 0, "", "more than %d entries", maxEntries)
	}
	if s.SSHD != nil {
		if s.SSHD.Settings == nil {
			return syntaxErr(name, 0, "sshd.settings", "missing")
		}
		// Keywords are case-insensitive: keep them as sshd -T prints
		// them, in lower case.
		s.SSHD.Settings = lowerKeys(s.SSHD.Settings)
		for i := range s.SSHD.Matches {
			s.SSHD.Matches[i].Settings = lowerKeys(s.SSHD.Matches[i].Settings)
		}
	}
	for i, p := range s.Packages {
		field := fmt.Sprintf("packages[%d]", i)
		switch {
		case p.Name == "":
			return syntaxErr(name, 0, field+".name", "empty")
		case p.Format != "deb" && p.Format != "rpm":
			return syntaxErr(name, 0, field+".format", "want deb or rpm, not %q", p.Format)
		}
	}
	for i, f := range s.Files {
		field := fmt.Sprintf("files[%d]", i)
		if !strings.HasPrefix(f.Path, "/") {
			return syntaxErr(name, 0, field+".path", "not absolute: %q", f.Path)
		}
		if _, err := strconv.ParseUint(f.Mode, 8, 32); err != nil {
			return syntaxErr(name, 0, field+".mode", "not an octal mode: %q", f.Mode)
		}
	}
	for _, m := range []map[string]string{s.Sysctl, s.Services, s.TLS} {
		for k, v := range m {
			if len(v) > maxValueLen {
				return syntaxErr(name, 0, k, "value longer than %d bytes", maxValueLen)
			}
		}
	}
	return nil
}

func lowerKeys(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		k = strings.ToLower(k)
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}

// Merge adds what o says to s: sections s lacks are taken, package and
// file lists appended, and keys s already has keep their value, as the
// first file given is the first read.
func (s *Snapshot) Merge(o Snapshot) {
	if s.Host == "" {
		s.Host = o.Host
	}
	if s.Collected.IsZero() {
		s.Collected = o.Collected
	}
	if o.SSHD != nil {
		if s.SSHD == nil {
			s.SSHD = &SSHDConfig{Settings: map[string]string{}}
		}
		for k, v := range o.SSHD.Settings {
			if _, ok := s.SSHD.Settings[k]; !ok {
				s.SSHD.Settings[k] = v
			}
		}
		s.SSHD.Matches = append(s.SSHD.Matches, o.SSHD.Matches...)
	}
	s.Sysctl = mergeMap(s.Sysctl, o.Sysctl)
	s.Services = mergeMap(s.Services, o.Services)
	s.TLS = mergeMap(s.TLS, o.TLS)
	if o.Packages != nil {
		s.Packages = append(slices.Clip(s.Packages), o.Packages...)
		if s.Packages == nil {
			s.Packages = []InstalledPackage{}
		}
	}
	if o.Files != nil {
		s.Files = append(slices.Clip(s.Files), o.Files...)
		if s.Files == nil {
			s.Files = []FileInfo{}
		}
	}
	s.Sources = append(s.Sources, o.Sources...)
	s.Notes = append(s.Notes, o.Notes...)
}

func mergeMap(into, from map[string]string) map[string]string {
	if from == nil {
		return into
	}
	if into == nil {
		return maps.Clone(from)
	}
	for k, v := range from {
		if _, ok := into[k]; !ok {
			into[k] = v
		}
	}
	return into
}

// Source is one raw file given to Read: its name (a path, whose base
// and directory tell sshd_config includes apart) and content.
type Source struct {
	Name string
	Data []byte
}

// Format is the kind of a raw file.
type Format string

const (
	FormatJSON      Format = "json"               // the snapshot's JSON form
	FormatSSHD      Format = "sshd_config"        // sshd_config(5)
	FormatSysctl    Format = "sysctl"             // sysctl -a, or sysctl.conf(5)
	FormatDpkgList  Format = "dpkg-l"             // dpkg -l
	FormatDpkgQuery Format = "dpkg-query"         // dpkg-query -W
	FormatRPM       Format = "rpm-qa"             // rpm -qa, plain or vmc's query format
	FormatSystemctl Format = "systemctl"          // systemctl list-unit-files
	formatUnknown   Format = ""                   // Sniff could not tell
	formatInclude   Format = "sshd_config.d/conf" // a file an sshd_config includes
)

// Formats lists the formats Read takes, for help texts.
var Formats = []Format{FormatJSON, FormatSSHD, FormatSysctl, FormatDpkgList, FormatDpkgQuery, FormatRPM, FormatSystemctl}

// Sniff tells a raw file's format from its name and content.
func Sniff(name string, data []byte) Format {
	base, dir := path.Base(strings.ReplaceAll(name, `\`, "/")), path.Base(path.Dir(strings.ReplaceAll(name, `\`, "/")))
	first := firstLine(data)
	switch {
	case strings.HasPrefix(first, "{"):
		return FormatJSON
	case strings.HasPrefix(first, "Desired="):
		return FormatDpkgList
	case strings.HasPrefix(first, "UNIT FILE"):
		return FormatSystemctl
	case strings.HasPrefix(base, "sshd_config") && !strings.HasSuffix(dir, ".d"):
		return FormatSSHD
	case strings.HasSuffix(dir, ".d") && strings.HasPrefix(dir, "sshd_config"):
		return formatInclude
	case sysctlLine.MatchString(first):
		return FormatSysctl
	case strings.Contains(first, "\t"):
		return FormatDpkgQuery
	case rpmQuery.MatchString(first) || rpmPlain.MatchString(first):
		return FormatRPM
	}
	return formatUnknown
}

// firstLine is the first line that is neither blank nor a comment.
func firstLine(data []byte) string {
	for line := range bytes.Lines(data[:min(len(data), 64<<10)]) {
		t := strings.TrimSpace(string(line))
		if t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, ";") {
			return t
		}
	}
	return ""
}

// Read builds one snapshot from raw files, each told apart by Sniff
// unless formats names it ("sshd_config", …, keyed by the file's name).
// sshd_config files are read with the other files given as what their
// Include lines may name; an include file no sshd_config includes is
// noted and left out.
func Read(files []Source, formats map[string]Format) (Snapshot, error) {
	snap := Snapshot{}
	var includes []Source
	var roots []Source
	for _, f := range files {
		if len(f.Data) > MaxFile {
			return Snapshot{}, syntaxErr(f.Name, 0, "", "larger than %d bytes", MaxFile)
		}
		ft, ok := formats[f.Name]
		if !ok {
			ft = Sniff(f.Name, f.Data)
		}
		var part Snapshot
		var err error
		switch ft {
		case FormatJSON:
			part, err = ParseSnapshot(f.Name, f.Data)
		case FormatSSHD:
			roots = append(roots, f)
			continue
		case formatInclude:
			includes = append(includes, f)
			continue
		case FormatSysctl:
			part, err = ParseSysctl(f.Name, f.Data)
		case FormatDpkgList:
			part, err = ParseDpkgList(f.Name, f.Data)
		case FormatDpkgQuery:
			part, err = ParseDpkgQuery(f.Name, f.Data)
		case FormatRPM:
			part, err = ParseRPM(f.Name, f.Data)
		case FormatSystemctl:
			part, err = ParseSystemctl(f.Name, f.Data)
		default:
			return Snapshot{}, &ParseError{File: f.Name, Err: fmt.Errorf("%w: cannot tell the format (want one of %v)", ErrSyntax, Formats)}
		}
		if err != nil {
			return Snapshot{}, err
		}
		snap.Merge(part)
	}
	used := map[string]bool{}
	for _, r := range roots {
		part, err := ParseSSHD(r, includes, used)
		if err != nil {
			return Snapshot{}, err
		}
		snap.Merge(part)
	}
	for _, inc := range includes {
		if !used[inc.Name] {
			snap.Notes = append(snap.Notes, fmt.Sprintf("%s: no sshd_config given includes it; left out", inc.Name))
		}
	}
	return snap, nil
}
