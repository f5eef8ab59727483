package trust

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/ecosystem"
)

// Kind is what a snapshot file is.
type Kind string

const (
	KindGetcap   Kind = "tpm2_getcap"
	KindSBState  Kind = "mokutil"
	KindIMA      Kind = "ima"
	KindDocument Kind = "json"
)

var imaHead = regexp.MustCompile(`^\d{1,2}[ \t]+[0-9a-fA-F:a-z0-9]{40,}[ \t]+ima`)

// Sniff tells a snapshot file's kind from its first bytes.
func Sniff(head []byte) (Kind, bool) {
	t := strings.TrimLeft(string(head), " \t\r\n\ufeff")
	first, _, _ := strings.Cut(t, "\n")
	first = strings.TrimSpace(stripANSI(first))
	switch {
	case strings.HasPrefix(t, "{"):
		return KindDocument, true
	case strings.HasPrefix(first, "TPM2_PT_"):
		return KindGetcap, true
	case strings.HasPrefix(first, "SecureBoot "), strings.Contains(first, "Secure Boot"), strings.Contains(first, "EFI variables"),
		strings.HasPrefix(first, "Cannot determine secure boot"):
		return KindSBState, true
	case imaHead.MatchString(first):
		return KindIMA, true
	}
	return "", false
}

// Document is the JSON part of a snapshot, for what no tool prints.
// Every field is optional; the tools' outputs take precedence over it
// for what they say.
type Document struct {
	Root         Root         `json:"root,omitempty"`
	RootVersion  string       `json:"root_version,omitempty"`
	Manufacturer string       `json:"manufacturer,omitempty"`
	Model        string       `json:"model,omitempty"`
	Firmware     string       `json:"firmware,omitempty"`
	SecureBoot   SecureBoot   `json:"secure_boot,omitempty"`
	MeasuredBoot MeasuredBoot `json:"measured_boot,omitempty"`
	OS           string       `json:"os,omitempty"`
	LegacyOS     bool         `json:"legacy_os,omitempty"`
	Controls     []string     `json:"controls,omitempty"`
	// Components are firmware, TPM/TCM stack and boot components, each
	// with a purl or CPE the matcher can use.
	Components []DocComponent `json:"components,omitempty"`
}

// DocComponent is a component as the JSON document names it.
type DocComponent struct {
	Name      string   `json:"name,omitempty"`
	Version   string   `json:"version,omitempty"`
	Ecosystem string   `json:"ecosystem,omitempty"`
	PURL      string   `json:"purl,omitempty"`
	CPEs      []string `json:"cpes,omitempty"`
}

// MaxDocument bounds the JSON document.
const MaxDocument = 1 << 20

// Snapshot gathers a posture from snapshot files, one Add at a time.
type Snapshot struct {
	Posture Posture
	// IMA is the measurement list, when one was added.
	IMA *List
	doc *Document
}

// Add reads one file of the snapshot, by its kind (see Sniff).
func (s *Snapshot) Add(name string, data []byte) error {
	kind, ok := Sniff(data[:min(len(data), 4096)])
	if !ok {
		return errorf(name, 0, "", "not a tpm2_getcap, mokutil --sb-state, IMA measurement list or JSON snapshot document")
	}
	p := &s.Posture
	switch kind {
	case KindGetcap:
		info, err := ParseGetcap(name, bytes.NewReader(data))
		if err != nil {
			return err
		}
		switch info.Family {
		case "2.0":
			if p.Root != RootTCM {
				p.Root = RootTPM2
			}
		case "1.2":
			p.Root = RootTPM12
		}
		p.RootVersion = strings.TrimSpace(info.Family + " rev " + info.Revision)
		if info.Revision == "" {
			p.RootVersion = info.Family
		}
		p.Manufacturer, p.Model, p.Firmware = info.Manufacturer, info.Model, info.Firmware
	case KindSBState:
		sb, err := ParseSBState(name, bytes.NewReader(data))
		if err != nil {
			return err
		}
		p.SecureBoot = sb
	case KindIMA:
		l, err := ParseIMA(name, bytes.NewReader(data))
		if err != nil {
			return err
		}
		s.IMA = &l
		p.MeasuredBoot, p.Measurements = l.MeasuredBoot(), len(l.Entries)
	case KindDocument:
		var d Document
		dec := json.NewDecoder(io.LimitReader(bytes.NewReader(data), MaxDocument))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return &ParseError{File: name, Err: fmt.Errorf("%w: %v", ErrFormat, err)}
		}
		if err := d.check(name); err != nil {
			return err
		}
		s.doc = &d
	}
	p.Sources = append(p.Sources, fmt.Sprintf("%s (%s)", name, kind))
	return nil
}

func (d Document) check(name string) error {
	if len(d.Controls) > 100 {
		return errorf(name, 0, "controls", "more than 100")
	}
	for i, c := range d.Controls {
		if strings.TrimSpace(c) == "" || len(c) > 1000 {
			return errorf(name, 0, fmt.Sprintf("controls[%d]", i), "empty or longer than 1000 bytes")
		}
	}
	if len(d.Components) > 1000 {
		return errorf(name, 0, "components", "more than 1000")
	}
	for i, c := range d.Components {
		if err := c.component().Validate(); err != nil {
			return &ParseError{File: name, Field: fmt.Sprintf("components[%d]", i), Err: fmt.Errorf("%w: %v", ErrFormat, err)}
		}
	}
	for f, v := range map[string]string{"root_version": d.RootVersion, "manufacturer": d.Manufacturer, "model": d.Model, "firmware": d.Firmware, "os": d.OS} {
		if len(v) > 256 {
			return errorf(name, 0, f, "longer than 256 bytes")
		}
	}
	return nil
}

// component is c as an inventory's component: name, version and
// ecosystem from its purl where it gives them.
func (c DocComponent) component() asset.Component {
	x := asset.Component{Name: c.Name, Version: c.Version, Ecosystem: c.Ecosystem, PURL: c.PURL, CPEs: c.CPEs}
	if c.PURL != "" {
		if eco, name, version, err := ecosystem.FromPURL(c.PURL); err == nil {
			x.Name, x.Version = cmp.Or(x.Name, name), cmp.Or(x.Version, version)
			x.Ecosystem = cmp.Or(x.Ecosystem, eco)
		}
	}
	return x
}

// Finish merges the JSON document under the tools' outputs and derives
// the components: the root's firmware, and those the document names.
func (s *Snapshot) Finish() Posture {
	p := s.Posture
	if d := s.doc; d != nil {
		if d.Root == RootTCM && p.Root == RootTPM2 {
			p.Root = RootTCM // a TCM 2.0 answers tpm2_getcap as a TPM 2.0 does
		}
		or := func(dst *string, v string) {
			if *dst == "" {
				*dst = v
			}
		}
		if p.Root == RootUnknown {
			p.Root = d.Root
		}
		or(&p.RootVersion, d.RootVersion)
		or(&p.Manufacturer, d.Manufacturer)
		or(&p.Model, d.Model)
		or(&p.Firmware, d.Firmware)
		or(&p.OS, d.OS)
		if p.SecureBoot == SBUnknown {
			p.SecureBoot = d.SecureBoot
		}
		if p.MeasuredBoot == MBUnknown {
			p.MeasuredBoot = d.MeasuredBoot
		}
		p.LegacyOS = d.LegacyOS
		p.Controls = append([]string(nil), d.Controls...)
		for _, c := range d.Components {
			x := c.component()
			x.Source = ComponentSource + ": " + string(KindDocument)
			p.Components = append(p.Components, x)
		}
	}
	if p.Firmware != "" && p.Manufacturer != "" && (p.Root == RootTPM2 || p.Root == RootTCM || p.Root == RootTPM12) {
		p.Components = append(p.Components, firmwareComponent(p))
	}
	return p
}

// firmwareComponent is the root's firmware as a component: a generic
// purl naming the vendor and model, which no advisory source uses today
// but which puts the version where searches and CPE-less advisories of
// vendors (Infineon's ROCA, CVE-2017-15361, named firmware versions) can
// be matched by hand.
func firmwareComponent(p Posture) asset.Component {
	model := strings.ToLower(strings.Join(strings.Fields(p.Manufacturer+" "+p.Model), "-"))
	name := string(p.Root) + "-firmware"
	if model != "" {
		name = model + "-" + name
	}
	return asset.Component{Name: name, Version: p.Firmware,
		PURL:   "pkg:generic/" + purlSegment(name) + "@" + purlSegment(p.Firmware),
		Source: ComponentSource + ": " + string(KindGetcap)}
}

// purlSegment percent-encodes what a purl segment cannot hold.
func purlSegment(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
