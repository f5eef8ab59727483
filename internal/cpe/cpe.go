package cpe

import (
	"errors"
	"fmt"
	"strings"

	"github.com/knqyf263/go-cpe/common"
	"github.com/knqyf263/go-cpe/naming"
)

// ErrInvalid marks a string that is not a CPE name.
var ErrInvalid = errors.New("invalid CPE")

// maxLen bounds the names parsed. NVD's dictionary has none near it, and
// go-cpe's unbinding is quadratic in places.
const maxLen = 2048

// The attributes of a CPE name, in the order a formatted string binds
// them (NIST IR 7695, section 5.3).
var attributes = []string{
	common.AttributePart, common.AttributeVendor, common.AttributeProduct, common.AttributeVersion,
	common.AttributeUpdate, common.AttributeEdition, common.AttributeLanguage, common.AttributeSwEdition,
	common.AttributeTargetSw, common.AttributeTargetHw, common.AttributeOther,
}

// Name is a parsed CPE name. The zero Name is not a name.
type Name struct {
	text string
	wfn  common.WellFormedName
}

// Parse reads a CPE 2.3 formatted string ("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*")
// or a CPE 2.2 URI ("cpe:/a:apache:log4j:2.14.1"), which SBOMs still carry.
func Parse(s string) (Name, error) {
	if len(s) > maxLen {
		return Name{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalid, maxLen)
	}
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "cpe:2.3:") && !strings.HasPrefix(lower, "cpe:/") {
		return Name{}, fmt.Errorf("%w %q: neither cpe:2.3: nor cpe:/", ErrInvalid, s)
	}
	w, err := unbind(s, strings.HasPrefix(lower, "cpe:/"))
	if err != nil {
		return Name{}, fmt.Errorf("%w %q: %v", ErrInvalid, s, err)
	}
	// go-cpe lets an empty attribute through in places (a 2.2 URI's
	// empty component unbinds to ""), and its matcher indexes the first
	// byte of every value, so empty values are refused here.
	for _, a := range attributes {
		if v, ok := w.Get(a).(string); ok && v == "" {
			if a == common.AttributePart {
				return Name{}, fmt.Errorf("%w %q: no part", ErrInvalid, s)
			}
			w[a] = any(common.LogicalValue{Any: true})
		}
	}
	if p, _ := w.Get(common.AttributePart).(string); p != "a" && p != "o" && p != "h" {
		return Name{}, fmt.Errorf("%w %q: part is not a, o or h", ErrInvalid, s)
	}
	return Name{text: s, wfn: w}, nil
}

// unbind runs go-cpe's unbinding, which indexes past the end of some
// malformed input (a URI's "%0" escape cut short) and panics; inventories
// are untrusted input, so a panic there is an invalid name, not a crash.
func unbind(s string, uri bool) (w common.WellFormedName, err error) {
	defer func() {
		if r := recover(); r != nil {
			w, err = nil, fmt.Errorf("malformed: %v", r)
		}
	}()
	if uri {
		return naming.UnbindURI(s)
	}
	return naming.UnbindFS(s)
}

// String returns the name as it was given.
func (n Name) String() string { return n.text }

// Attr returns an attribute's value: "*" for ANY, "-" for NA, otherwise
// the value with CPE quoting removed ("2.4.49", not "2\.4\.49"). attr is
// one of part, vendor, product, version, update, edition, language,
// sw_edition, target_sw, target_hw and other.
func (n Name) Attr(attr string) string {
	return display(n.wfn.Get(attr))
}

// Vendor, Product and Version are the attributes a match is about.
func (n Name) Vendor() string  { return n.Attr(common.AttributeVendor) }
func (n Name) Product() string { return n.Attr(common.AttributeProduct) }
func (n Name) Version() string { return n.Attr(common.AttributeVersion) }

func display(v any) string {
	switch v := v.(type) {
	case common.LogicalValue:
		if v.IsANY() {
			return "*"
		}
		return "-"
	case string:
		return unquote(v)
	}
	return ""
}

// unquote removes WFN quoting: "2\.4\.49" is 2.4.49.
func unquote(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// hasWildcard reports whether a WFN value has an unquoted "*" or "?".
func hasWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		}
	}
	return false
}
