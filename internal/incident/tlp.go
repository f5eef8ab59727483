package incident

import (
	"fmt"
	"slices"
	"strings"
)

// TLP is a Traffic Light Protocol 2.0 label (FIRST, 2022): how far
// information may be shared. The labels, from the widest audience to the
// narrowest:
//
//	CLEAR         no limit on disclosure
//	GREEN         the community, not publicly
//	AMBER         the recipient's organisation and its clients, need to know
//	AMBER+STRICT  the recipient's organisation only
//	RED           the named recipients only
//
// https://www.first.org/tlp/
type TLP string

const (
	Clear       TLP = "CLEAR"
	Green       TLP = "GREEN"
	Amber       TLP = "AMBER"
	AmberStrict TLP = "AMBER+STRICT"
	Red         TLP = "RED"
)

// TLPs lists the labels from the widest audience to the narrowest.
var TLPs = []TLP{Clear, Green, Amber, AmberStrict, Red}

func (t TLP) String() string { return string(t) }

// IsValid reports whether t is a TLP 2.0 label.
func (t TLP) IsValid() bool { return slices.Contains(TLPs, t) }

// ParseTLP reads a label as people write it: "TLP:AMBER+STRICT",
// "amber+strict", "tlp:clear". TLP 1.0's WHITE is read as CLEAR, which
// replaced it.
func ParseTLP(s string) (TLP, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	u = strings.TrimPrefix(u, "TLP:")
	if u == "WHITE" {
		u = string(Clear)
	}
	if t := TLP(u); t.IsValid() {
		return t, nil
	}
	return "", fmt.Errorf("unknown TLP label %q (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)", s)
}

// UnmarshalText rejects unknown labels, so input fails at the boundary.
func (t *TLP) UnmarshalText(b []byte) error {
	p, err := ParseTLP(string(b))
	if err != nil {
		return err
	}
	*t = p
	return nil
}

// rank orders labels by how narrow their audience is.
func (t TLP) rank() int { return slices.Index(TLPs, t) }

// Within reports whether information labelled t may go to a recipient
// cleared for clearance: the label must be no narrower than the
// recipient's clearance. An unknown label or clearance allows nothing.
func (t TLP) Within(clearance TLP) bool {
	return t.IsValid() && clearance.IsValid() && t.rank() <= clearance.rank()
}
