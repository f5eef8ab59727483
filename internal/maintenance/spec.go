package maintenance

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrInvalid marks a specification, group, plan, tool or audit vmc
// cannot record as it is; the message names the field.
var ErrInvalid = errors.New("invalid")

// Limits on what people type: a name, a line, a paragraph, and how many
// entries a list may have. They keep one record from becoming a
// document store.
const (
	maxName  = 200
	maxLine  = 1000
	maxText  = 4000
	maxItems = 200
)

// checkText reports a field that is empty when required or longer than
// max, naming it.
func checkText(field, v string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(v) == "":
		return fmt.Errorf("%w: %s: empty", ErrInvalid, field)
	case len(v) > max:
		return fmt.Errorf("%w: %s: longer than %d bytes", ErrInvalid, field, max)
	}
	return nil
}

// checkList checks each entry of a list field as a line.
func checkList(field string, vs []string) error {
	if len(vs) > maxItems {
		return fmt.Errorf("%w: %s: more than %d entries", ErrInvalid, field, maxItems)
	}
	for i, v := range vs {
		if err := checkText(fmt.Sprintf("%s[%d]", field, i), v, maxLine, true); err != nil {
			return err
		}
	}
	return nil
}

// Spec is an asset's environment specification (SAMM O-EM level 1,
// stream A: know the key components of each technology stack and the
// configuration each must have). Every change is a new Version; the old
// ones stay as they were.
type Spec struct {
	Asset string `json:"asset"`
	// Version is 1 for the first specification of the asset and one more
	// for each change; the store assigns it.
	Version int `json:"version"`
	// Owner answers for the specification being right.
	Owner     string `json:"owner"`
	OS        string `json:"os,omitempty"`
	OSVersion string `json:"os_version,omitempty"`
	// Runtime, Middleware and Components are "name version" lines:
	// "openjdk 17.0.9", "nginx 1.24.0", "log4j-core 2.17.1".
	Runtime    []string `json:"runtime,omitempty"`
	Middleware []string `json:"middleware,omitempty"`
	Components []string `json:"components,omitempty"`
	// Config is the configuration the environment must have.
	Config []Setting `json:"config,omitempty"`
	// Change says what this version changed.
	Change  string    `json:"change,omitempty"`
	Created time.Time `json:"created,omitzero"`
	By      string    `json:"by,omitempty"`
}

// Setting is one required configuration value: "PermitRootLogin" = "no".
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ParseSetting reads "key=value".
func ParseSetting(s string) (Setting, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return Setting{}, fmt.Errorf("%w: config: %q is not key=value", ErrInvalid, s)
	}
	return Setting{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v)}, nil
}

// Validate checks a specification before it is stored.
func (s Spec) Validate() error {
	if err := checkText("asset", s.Asset, 512, true); err != nil {
		return err
	}
	if err := checkText("owner", s.Owner, maxName, true); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"os", s.OS}, {"os_version", s.OSVersion}, {"change", s.Change}} {
		if err := checkText(f.name, f.v, maxLine, false); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		name string
		vs   []string
	}{{"runtime", s.Runtime}, {"middleware", s.Middleware}, {"components", s.Components}} {
		if err := checkList(l.name, l.vs); err != nil {
			return err
		}
	}
	if len(s.Config) > maxItems {
		return fmt.Errorf("%w: config: more than %d entries", ErrInvalid, maxItems)
	}
	seen := map[string]bool{}
	for i, c := range s.Config {
		if err := checkText(fmt.Sprintf("config[%d].key", i), c.Key, maxName, true); err != nil {
			return err
		}
		if err := checkText(fmt.Sprintf("config[%d].value", i), c.Value, maxLine, false); err != nil {
			return err
		}
		if seen[c.Key] {
			return fmt.Errorf("%w: config[%d].key: %q given twice", ErrInvalid, i, c.Key)
		}
		seen[c.Key] = true
	}
	return nil
}

// SameContent reports whether two specifications describe the same
// environment, whatever their versions, authors and change notes: storing
// one that does is not a change.
func (s Spec) SameContent(o Spec) bool {
	return s.Asset == o.Asset && s.Owner == o.Owner && s.OS == o.OS && s.OSVersion == o.OSVersion &&
		slices.Equal(s.Runtime, o.Runtime) && slices.Equal(s.Middleware, o.Middleware) &&
		slices.Equal(s.Components, o.Components) && slices.Equal(s.Config, o.Config)
}
