package stix

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Check checks a bundle for the MUSTs of STIX 2.1 that its JSON schemas
// do not express: every object's id is unique and of its type; modified
// is not before created (section 3.2); created_by_ref,
// object_marking_refs, source_ref and target_ref name objects of the
// bundle (vmc's bundles are self-contained, so a dangling reference is a
// bug); timestamps are RFC 3339 in UTC with "Z" (section 3.2).
func Check(bundle []byte) error {
	var b struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(bundle, &b); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	if b.Type != "bundle" {
		return fmt.Errorf("bundle: type %q", b.Type)
	}
	type common struct {
		Type        string   `json:"type"`
		ID          string   `json:"id"`
		Created     string   `json:"created"`
		Modified    string   `json:"modified"`
		CreatedBy   string   `json:"created_by_ref"`
		MarkingRefs []string `json:"object_marking_refs"`
		SourceRef   string   `json:"source_ref"`
		TargetRef   string   `json:"target_ref"`
	}
	objs := make([]common, len(b.Objects))
	ids := map[string]bool{}
	var errs []error
	for i, raw := range b.Objects {
		o := &objs[i]
		if err := json.Unmarshal(raw, o); err != nil {
			errs = append(errs, fmt.Errorf("objects[%d]: %w", i, err))
			continue
		}
		switch {
		case ids[o.ID]:
			errs = append(errs, fmt.Errorf("objects[%d]: id %s appears twice", i, o.ID))
		case len(o.ID) <= len(o.Type)+2 || o.ID[:len(o.Type)+2] != o.Type+"--":
			errs = append(errs, fmt.Errorf("objects[%d]: id %s is not of type %s", i, o.ID, o.Type))
		}
		ids[o.ID] = true
		var c, m time.Time
		for _, ts := range []struct {
			name, v string
			t       *time.Time
		}{{"created", o.Created, &c}, {"modified", o.Modified, &m}} {
			if ts.v == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339Nano, ts.v)
			if err != nil || ts.v[len(ts.v)-1] != 'Z' {
				errs = append(errs, fmt.Errorf("objects[%d] %s: %s: %q is not an RFC 3339 UTC timestamp", i, o.ID, ts.name, ts.v))
			}
			*ts.t = t
		}
		if !c.IsZero() && !m.IsZero() && m.Before(c) {
			errs = append(errs, fmt.Errorf("objects[%d] %s: modified %s is before created %s", i, o.ID, o.Modified, o.Created))
		}
	}
	for i, o := range objs {
		refs := append([]string{o.CreatedBy, o.SourceRef, o.TargetRef}, o.MarkingRefs...)
		for _, r := range refs {
			if r != "" && !ids[r] {
				errs = append(errs, fmt.Errorf("objects[%d] %s: refers to %s, which the bundle does not hold", i, o.ID, r))
			}
		}
	}
	return errors.Join(errs...)
}
