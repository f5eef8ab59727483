// Package stix writes a publish.Document as a STIX 2.1 bundle
// (https://docs.oasis-open.org/cti/stix/v2.1/os/stix-v2.1-os.html):
//
//   - an identity (section 4.11) for the publisher, the creator of what
//     follows;
//   - one vulnerability (4.19) named by the document id, its description
//     the summary with the technical details the level allows, its
//     external references the CVE (source_name "cve"), the other ids
//     (source_name the id's prefix, "ghsa", "cnvd", ...), the CWEs
//     ("cwe") and the references' URLs;
//   - one software observable (6.14) per affected entry that names a
//     package or product, with its CPE when it has one, and a
//     relationship "has" (5.1; a custom type, STIX names none for
//     software) from the software to the vulnerability whose description
//     says which versions are affected and fixed;
//   - one course of action (4.3) per distinct remediation, with a
//     relationship "mitigates" to the vulnerability;
//   - the TLP marking definition (7.2.1.4) every object refers to.
//
// STIX 2.1 predefines TLP 1.0 markings only: CLEAR is written as WHITE,
// and a document under AMBER+STRICT, which TLP 1.0 cannot say, is
// refused rather than widened to AMBER.
//
// Ids are UUIDv5, so that the same document always gives the same ids
// (a TAXII collection then sees versions of one object, not new ones):
// software ids as section 2.9 prescribes for observables, from their
// id-contributing properties; the others from the document id.
//
// Timestamps: created is the document's first release, modified its
// current version, never before created (section 3.2's MUST).
package stix

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/publish"
)

// MediaType is a STIX 2.1 bundle's media type (section 1.7 of TAXII 2.1).
const MediaType = "application/stix+json;version=2.1"

// observableNS is the namespace of observables' UUIDv5 ids (STIX 2.1
// section 2.9); objectNS vmc's own, for the other objects.
var (
	observableNS = mustUUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
	// objectNS is the UUIDv5 of vmc's address in RFC 9562's URL
	// namespace.
	objectNS = uuidV5(mustUUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), []byte("https://github.com/vmc-dev/vmc/stix"))
)

// uuid is an RFC 9562 UUID. vmc writes its own few lines rather than
// import a UUID module: the common ones implement database/sql's
// interfaces, which the writers must not import (archtest).
type uuid [16]byte

func mustUUID(s string) uuid {
	var u uuid
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		panic("stix: bad UUID " + s)
	}
	copy(u[:], b)
	return u
}

// uuidV5 is the name-based UUID of name in namespace ns (RFC 9562
// section 5.5: SHA-1, version 5, variant 10).
func uuidV5(ns uuid, name []byte) uuid {
	h := sha1.New()
	h.Write(ns[:])
	h.Write(name)
	var u uuid
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

func (u uuid) String() string {
	x := hex.EncodeToString(u[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// tlpMarkings are STIX 2.1's predefined TLP marking definitions (section
// 7.2.1.4), by TLP 2.0 label.
var tlpMarkings = map[string]struct{ id, name string }{
	"CLEAR": {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"},
	"GREEN": {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"},
	"AMBER": {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"},
	"RED":   {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"},
}

// tlpCreated is when the predefined TLP markings were created.
const tlpCreated = "2017-01-20T00:00:00.000Z"

// Bundle is a STIX bundle (section 8).
type Bundle struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Objects []any  `json:"objects"`
}

// Object holds the common properties of SDOs and SROs (section 3.2).
type Object struct {
	Type         string   `json:"type"`
	SpecVersion  string   `json:"spec_version"`
	ID           string   `json:"id"`
	CreatedByRef string   `json:"created_by_ref,omitempty"`
	Created      string   `json:"created"`
	Modified     string   `json:"modified"`
	MarkingRefs  []string `json:"object_marking_refs,omitempty"`
}

// Identity is an identity SDO (section 4.11).
type Identity struct {
	Object
	Name          string `json:"name"`
	IdentityClass string `json:"identity_class"`
	Contact       string `json:"contact_information,omitempty"`
}

// Vulnerability is a vulnerability SDO (section 4.19).
type Vulnerability struct {
	Object
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	References  []ExternalRef `json:"external_references,omitempty"`
}

// ExternalRef is an external reference (section 2.5).
type ExternalRef struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`
}

// Software is a software SCO (section 6.14).
type Software struct {
	Type        string   `json:"type"`
	SpecVersion string   `json:"spec_version"`
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	CPE         string   `json:"cpe,omitempty"`
	Vendor      string   `json:"vendor,omitempty"`
	MarkingRefs []string `json:"object_marking_refs,omitempty"`
}

// Relationship is a relationship SRO (section 5.1).
type Relationship struct {
	Object
	RelationshipType string `json:"relationship_type"`
	Description      string `json:"description,omitempty"`
	SourceRef        string `json:"source_ref"`
	TargetRef        string `json:"target_ref"`
}

// CourseOfAction is a course-of-action SDO (section 4.3): a remediation.
type CourseOfAction struct {
	Object
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// MarkingDefinition is a TLP marking definition (section 7.2).
type MarkingDefinition struct {
	Type           string            `json:"type"`
	SpecVersion    string            `json:"spec_version"`
	ID             string            `json:"id"`
	Created        string            `json:"created"`
	DefinitionType string            `json:"definition_type"`
	Name           string            `json:"name"`
	Definition     map[string]string `json:"definition"`
}

// timestamp writes t as STIX does: UTC, millisecond precision, "Z".
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func objectID(typ, docID, part string) string {
	return typ + "--" + uuidV5(objectNS, []byte(docID+"\x00"+typ+"\x00"+part)).String()
}

// softwareID is a software observable's id from its id-contributing
// properties (name, cpe, swid, vendor, version), as canonical JSON.
func softwareID(s Software) string {
	props := map[string]string{"name": s.Name}
	if s.CPE != "" {
		props["cpe"] = s.CPE
	}
	if s.Vendor != "" {
		props["vendor"] = s.Vendor
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(props)
	return "software--" + uuidV5(observableNS, bytes.TrimSpace(b.Bytes())).String()
}

// Marshal writes d as a STIX 2.1 bundle, indented, after checking what
// the schemas cannot (Check). It refuses, naming the field, a document
// Validate refuses and one under AMBER+STRICT.
func Marshal(d publish.Document) ([]byte, error) {
	// A vulnerability without a product it names is still one STIX can
	// carry: its software objects are optional.
	if err := d.ValidateHead(); err != nil {
		return nil, fmt.Errorf("stix: %w", err)
	}
	if err := Applies(d); err != nil {
		return nil, err
	}
	d = d.Redact()
	out, err := json.MarshalIndent(bundle(d), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("stix: %s: %w", d.ID, err)
	}
	if err := Check(out); err != nil {
		return nil, fmt.Errorf("stix: %s: %w: %w", d.ID, publish.ErrSchema, err)
	}
	return append(out, '\n'), nil
}

// Applies reports whether STIX 2.1 can carry d's marking.
func Applies(d publish.Document) error {
	if _, ok := tlpMarkings[d.TLP]; !ok {
		return publish.Invalid(fmt.Errorf("stix: %s: tlp: STIX 2.1 predefines TLP 1.0 markings only; TLP:%s has none", d.ID, d.TLP))
	}
	return nil
}

func bundle(d publish.Document) Bundle {
	created := d.Initial()
	modified := d.Current()
	if modified.Before(created) {
		modified = created
	}
	tlp := tlpMarkings[d.TLP]
	marks := []string{tlp.id}
	who := Identity{Object: Object{Type: "identity", SpecVersion: "2.1", ID: objectID("identity", d.Publisher.Namespace, d.Publisher.Name),
		Created: timestamp(created), Modified: timestamp(created), MarkingRefs: marks},
		Name: d.Publisher.Name, IdentityClass: "organization", Contact: d.Publisher.ContactDetails}
	v := Vulnerability{Object: Object{Type: "vulnerability", SpecVersion: "2.1", ID: objectID("vulnerability", d.ID, ""), CreatedByRef: who.ID,
		Created: timestamp(created), Modified: timestamp(modified), MarkingRefs: marks},
		Name: d.ID, Description: description(d), References: references(d)}
	objs := []any{
		MarkingDefinition{Type: "marking-definition", SpecVersion: "2.1", ID: tlp.id, Created: tlpCreated, DefinitionType: "tlp",
			Name: "TLP:" + strings.ToUpper(tlp.name), Definition: map[string]string{"tlp": tlp.name}},
		who, v,
	}
	seen := map[string]bool{}
	for i, a := range d.Vuln.Affected {
		s := Software{Type: "software", SpecVersion: "2.1", Name: a.Package, Vendor: a.Ecosystem, MarkingRefs: marks}
		if s.Name == "" {
			s.Name, s.Vendor = a.Product, a.Vendor
		}
		if s.Name == "" {
			continue
		}
		if len(a.CPEs) > 0 && cpeRE(a.CPEs[0]) {
			s.CPE = a.CPEs[0]
		}
		s.ID = softwareID(s)
		if !seen[s.ID] {
			seen[s.ID] = true
			objs = append(objs, s)
		}
		objs = append(objs, Relationship{Object: Object{Type: "relationship", SpecVersion: "2.1", ID: objectID("relationship", d.ID, fmt.Sprint(i)),
			CreatedByRef: who.ID, Created: timestamp(created), Modified: timestamp(modified), MarkingRefs: marks},
			RelationshipType: "has", Description: affectedText(a), SourceRef: s.ID, TargetRef: v.ID})
	}
	// Remediations become courses of action that mitigate the
	// vulnerability, one per distinct text.
	for _, a := range d.Vuln.Affected {
		for _, r := range a.Remediations {
			text := strings.TrimSpace(strings.Join(slices.DeleteFunc([]string{r.Details, r.URL}, func(s string) bool { return s == "" }), " "))
			if text == "" || seen["coa\x00"+text] {
				continue
			}
			seen["coa\x00"+text] = true
			coa := CourseOfAction{Object: Object{Type: "course-of-action", SpecVersion: "2.1", ID: objectID("course-of-action", d.ID, text), CreatedByRef: who.ID,
				Created: timestamp(created), Modified: timestamp(modified), MarkingRefs: marks}, Name: r.Category, Description: text}
			objs = append(objs, coa, Relationship{Object: Object{Type: "relationship", SpecVersion: "2.1", ID: objectID("relationship", d.ID, "coa\x00"+text),
				CreatedByRef: who.ID, Created: timestamp(created), Modified: timestamp(modified), MarkingRefs: marks},
				RelationshipType: "mitigates", SourceRef: coa.ID, TargetRef: v.ID})
		}
	}
	return Bundle{Type: "bundle", ID: objectID("bundle", d.ID, d.Version()), Objects: objs}
}

// cpeRE reports whether c is a CPE 2.3 formatted string, the only kind
// the software object takes.
func cpeRE(c string) bool { return strings.HasPrefix(c, "cpe:2.3:") && strings.Count(c, ":") >= 12 }

func description(d publish.Document) string {
	parts := []string{d.Description()}
	if t := d.Note(publish.NoteDetails); t != "" {
		parts = append(parts, t)
	}
	if t := d.Note(publish.NoteExploit); t != "" {
		parts = append(parts, t)
	}
	return strings.TrimSpace(strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "\n\n"))
}

func references(d publish.Document) []ExternalRef {
	var out []ExternalRef
	ids := append([]string{d.Vuln.ID}, d.Vuln.Aliases...)
	for _, id := range ids {
		if id == d.ID || id == "" {
			continue
		}
		src := strings.ToLower(id)
		if i := strings.IndexByte(src, '-'); i > 0 {
			src = src[:i]
		}
		out = append(out, ExternalRef{SourceName: src, ExternalID: id})
	}
	for _, c := range d.Vuln.CWEs {
		if strings.HasPrefix(c.ID, "CWE-") {
			out = append(out, ExternalRef{SourceName: "cwe", ExternalID: c.ID, Description: c.Description})
		}
	}
	for _, r := range d.Vuln.References {
		out = append(out, ExternalRef{SourceName: strings.ToLower(cmp.Or(r.Type, "web")), URL: r.URL})
	}
	return out
}

// affectedText says which versions of an entry are affected, for the
// relationship's description.
func affectedText(a advisory.Affected) string {
	var parts []string
	for _, r := range a.Ranges {
		for _, e := range r.Events {
			switch {
			case e.Introduced != "":
				parts = append(parts, "introduced "+e.Introduced)
			case e.Fixed != "":
				parts = append(parts, "fixed "+e.Fixed)
			case e.LastAffected != "":
				parts = append(parts, "last affected "+e.LastAffected)
			case e.Limit != "":
				parts = append(parts, "limit "+e.Limit)
			}
		}
	}
	if len(a.Versions) > 0 {
		parts = append(parts, "versions "+strings.Join(a.Versions, ", "))
	}
	if len(parts) == 0 {
		return "affected"
	}
	return "affected: " + strings.Join(parts, "; ")
}
