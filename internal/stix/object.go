package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// ErrInvalid marks an object or document vmc refuses; the message names
// the object and property.
var ErrInvalid = errors.New("invalid STIX")

// MaxObject bounds one object's JSON. ATT&CK's largest objects are a few
// tens of kilobytes.
const MaxObject = 1 << 20

// Object is one STIX object: its common properties, read from Raw.
type Object struct {
	// ID is type--UUID (STIX 2.1 section 2.9).
	ID   string
	Type string
	// SpecVersion is the STIX version the object follows: "2.1", or "2.0"
	// for objects written before spec_version existed.
	SpecVersion string
	// Created and Modified are as the object states them; SCOs and
	// marking definitions may lack Modified.
	Created, Modified string
	// Raw is the object's JSON as it came.
	Raw json.RawMessage
}

var (
	// typePattern is the rule for type names (section 2.8 / 3.1).
	typePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$`)
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// Parse reads an object's common properties and checks them.
func Parse(raw []byte) (Object, error) {
	if len(raw) > MaxObject {
		return Object{}, fmt.Errorf("%w: object of %d bytes, more than %d", ErrInvalid, len(raw), MaxObject)
	}
	var p struct {
		ID          string `json:"id"`
		Type        string `json:"type"`
		SpecVersion string `json:"spec_version"`
		Created     string `json:"created"`
		Modified    string `json:"modified"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return Object{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return Object{}, fmt.Errorf("%w: not a JSON object", ErrInvalid)
	}
	o := Object{ID: p.ID, Type: p.Type, SpecVersion: p.SpecVersion, Created: p.Created, Modified: p.Modified, Raw: json.RawMessage(bytes.Clone(raw))}
	bad := func(prop, format string, args ...any) (Object, error) {
		return Object{}, fmt.Errorf("%w: %s: %s: %s", ErrInvalid, o.ID, prop, fmt.Sprintf(format, args...))
	}
	if !typePattern.MatchString(o.Type) {
		return bad("type", "malformed %q", o.Type)
	}
	prefix, uuid, ok := cutID(o.ID)
	if !ok || prefix != o.Type || !uuidPattern.MatchString(uuid) {
		return bad("id", "not %s--UUID", o.Type)
	}
	switch o.SpecVersion {
	case "2.1", "2.0":
	case "":
		o.SpecVersion = "2.1" // SCOs may leave it out; 2.0 objects never had it
	default:
		return bad("spec_version", "unknown %q", o.SpecVersion)
	}
	var created, modified time.Time
	var err error
	if o.Created != "" {
		if created, err = ParseTime(o.Created); err != nil {
			return bad("created", "%v", err)
		}
	}
	if o.Modified != "" {
		if modified, err = ParseTime(o.Modified); err != nil {
			return bad("modified", "%v", err)
		}
		if o.Created != "" && modified.Before(created) {
			return bad("modified", "%s is before created %s", o.Modified, o.Created)
		}
	}
	return o, nil
}

func cutID(id string) (prefix, uuid string, ok bool) {
	i := bytes.Index([]byte(id), []byte("--"))
	if i < 0 {
		return "", "", false
	}
	return id[:i], id[i+2:], true
}

// Version is the object's version as TAXII names it: modified, else
// created, else "" (an object with neither has one version, dated by
// when it was added).
func (o Object) Version() string {
	if o.Modified != "" {
		return o.Modified
	}
	return o.Created
}

// ParseTime reads a STIX timestamp: RFC 3339 in UTC, with "Z" and any
// number of fractional digits (section 3.2).
func ParseTime(s string) (time.Time, error) {
	if len(s) < 20 || s[len(s)-1] != 'Z' {
		return time.Time{}, fmt.Errorf("%q is not a UTC timestamp ending in Z", s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a timestamp", s)
	}
	return t, nil
}

// TimeKey is a timestamp in one fixed width, microseconds in UTC, so that
// stored timestamps order as strings: TAXII's own format
// (X-TAXII-Date-Added-First, date_added).
func TimeKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
