package baseline

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
)

// maxIncludeDepth is sshd's own limit on nested Include (servconf.c
// SERVCONF_MAX_DEPTH), which also stops include cycles.
const maxIncludeDepth = 16

// maxLine bounds a line of any raw file.
const maxLine = 64 << 10

// accumulating lists the sshd_config keywords whose every occurrence
// counts (sshd_config(5): "may be specified multiple times"); for the
// others the first value obtained wins.
var accumulating = []string{"acceptenv", "allowgroups", "allowusers", "denygroups", "denyusers", "hostcertificate",
	"hostkey", "listenaddress", "port", "setenv", "subsystem"}

// sshdReader reads one sshd_config and what it includes.
type sshdReader struct {
	includes []Source
	used     map[string]bool
	cfg      *SSHDConfig
	match    *MatchBlock // the block being read, nil at global scope
	notes    []string
	// read counts the bytes read, includes again each time: a file that
	// includes a file many times over, nested, would otherwise make
	// the work grow exponentially with the depth.
	read int
	// included names the files read through Include, in order.
	included []string
}

// maxSSHDRead bounds the bytes one sshd_config and its includes make
// vmc read; real configurations are a few KiB.
const maxSSHDRead = 16 << 20

// ParseSSHD reads an sshd_config the way sshd does: keywords in any case,
// "Keyword value" or "Keyword=value", double-quoted arguments, the first
// value of a keyword winning (but for the accumulating ones), and Match
// blocks running to the next Match or the end of the file (recorded as
// MatchBlocks). Include lines are resolved against includes: a pattern
// matches a file given with the same directory name and a base name the
// pattern's base matches ("/etc/ssh/sshd_config.d/*.conf" matches
// "host1/sshd_config.d/50-cloud-init.conf"), in lexical order as glob(3)
// gives them; each one used is marked in used. An Include no file
// matches is noted: the settings it might hold are unknown.
func ParseSSHD(f Source, includes []Source, used map[string]bool) (Snapshot, error) {
	r := &sshdReader{includes: includes, used: used, cfg: &SSHDConfig{Settings: map[string]string{}}}
	if err := r.readFile(f, 0); err != nil {
		return Snapshot{}, err
	}
	r.endMatch()
	return Snapshot{SSHD: r.cfg, Sources: append([]string{f.Name}, r.included...), Notes: r.notes}, nil
}

func (r *sshdReader) endMatch() {
	if r.match != nil {
		r.cfg.Matches = append(r.cfg.Matches, *r.match)
		r.match = nil
	}
}

func (r *sshdReader) readFile(f Source, depth int) error {
	if r.read += len(f.Data); r.read > maxSSHDRead {
		return syntaxErr(f.Name, 0, "", "with its includes, more than %d bytes", maxSSHDRead)
	}
	n := 0
	for raw := range bytes.Lines(f.Data) {
		n++
		if len(raw) > maxLine {
			return syntaxErr(f.Name, n, "", "line longer than %d bytes", maxLine)
		}
		line := strings.TrimSpace(string(raw))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kw, rest := splitKeyword(line)
		if !isKeyword(kw) {
			return syntaxErr(f.Name, n, "", "%q is not a keyword", trunc(kw))
		}
		args, err := splitArgs(rest)
		if err != nil {
			return syntaxErr(f.Name, n, kw, "%v", err)
		}
		if len(args) == 0 {
			return syntaxErr(f.Name, n, kw, "missing argument")
		}
		key := strings.ToLower(kw)
		switch key {
		case "match":
			r.endMatch()
			r.match = &MatchBlock{Criteria: strings.Join(args, " "), File: f.Name, Line: n, Settings: map[string]string{}}
			continue
		case "include":
			if err := r.include(f.Name, n, args, depth); err != nil {
				return err
			}
			continue
		}
		if len(r.cfg.Settings)+len(r.cfg.Matches) > maxEntries {
			return syntaxErr(f.Name, n, kw, "more than %d settings", maxEntries)
		}
		set := r.cfg.Settings
		if r.match != nil {
			set = r.match.Settings
		}
		value := strings.Join(args, " ")
		have, ok := set[key]
		switch {
		case !ok:
			set[key] = value
		case slices.Contains(accumulating, key) && len(have) < maxValueLen:
			set[key] = have + " " + value
		}
	}
	return nil
}

// include reads the files an Include line names.
func (r *sshdReader) include(file string, line int, patterns []string, depth int) error {
	if depth+1 > maxIncludeDepth {
		return syntaxErr(file, line, "Include", "nested more than %d deep", maxIncludeDepth)
	}
	for _, p := range patterns {
		if !strings.HasPrefix(p, "/") {
			p = "/etc/ssh/" + p // sshd_config(5): relative to /etc/ssh
		}
		dir, glob := path.Base(path.Dir(p)), path.Base(p)
		if _, err := path.Match(glob, ""); err != nil {
			return syntaxErr(file, line, "Include", "bad pattern %q", p)
		}
		var found []Source
		for _, inc := range r.includes {
			name := strings.ReplaceAll(inc.Name, `\`, "/")
			if ok, _ := path.Match(glob, path.Base(name)); ok && path.Base(path.Dir(name)) == dir {
				found = append(found, inc)
			}
		}
		if len(found) == 0 {
			r.notes = append(r.notes, fmt.Sprintf("%s:%d: Include %s: no such file given; settings it may hold are unknown", file, line, p))
			continue
		}
		slices.SortFunc(found, func(a, b Source) int { return strings.Compare(path.Base(a.Name), path.Base(b.Name)) })
		for _, inc := range found {
			r.used[inc.Name] = true
			r.included = append(r.included, inc.Name)
			if err := r.readFile(inc, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// splitKeyword splits a line at the end of its keyword: white space or
// "=", then an optional "=" with white space around it.
func splitKeyword(line string) (string, string) {
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return line, ""
	}
	kw, rest := line[:i], strings.TrimLeft(line[i:], " \t")
	if strings.HasPrefix(rest, "=") {
		rest = strings.TrimLeft(rest[1:], " \t")
	}
	return kw, rest
}

func isKeyword(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// splitArgs splits arguments at white space, keeping double-quoted ones
// whole (misc.c argv_split); a "#" starting an argument ends the line.
func splitArgs(s string) ([]string, error) {
	var args []string
	for s = strings.TrimLeft(s, " \t"); s != ""; s = strings.TrimLeft(s, " \t") {
		if s[0] == '#' {
			break
		}
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote")
			}
			args = append(args, s[1:1+end])
			s = s[2+end:]
			continue
		}
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			end = len(s)
		}
		args = append(args, s[:end])
		s = s[end:]
	}
	return args, nil
}

// trunc shortens what an error quotes from hostile input.
func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
