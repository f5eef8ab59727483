package advisory

import (
	"encoding/json"
	"fmt"
)

// State is a record's lifecycle state in its source.
type State string

const (
	StatePublished State = "PUBLISHED"
	StateRejected  State = "REJECTED"
	StateReserved  State = "RESERVED"
	StateWithdrawn State = "WITHDRAWN"
)

func (s State) String() string { return string(s) }

// IsValid reports whether s is one of the known states.
func (s State) IsValid() bool {
	switch s {
	case StatePublished, StateRejected, StateReserved, StateWithdrawn:
		return true
	}
	return false
}

func (s *State) UnmarshalJSON(b []byte) error {
	return unmarshalVocab(b, (*string)(s), State.IsValid, "state")
}

// SeverityType is the scoring system of a Severity.
type SeverityType string

const (
	CVSSv2  SeverityType = "CVSS_V2"
	CVSSv30 SeverityType = "CVSS_V3.0"
	CVSSv31 SeverityType = "CVSS_V3.1"
	CVSSv40 SeverityType = "CVSS_V4.0"
	// Qualitative ratings carry the owner's name and no vector.
	RatingCNVD  SeverityType = "CNVD"
	RatingCNNVD SeverityType = "CNNVD"
	RatingJVN   SeverityType = "JVN"
	RatingGHSA  SeverityType = "GHSA"
	RatingOther SeverityType = "OTHER"
)

func (t SeverityType) String() string { return string(t) }

// IsValid reports whether t is a known scoring system.
func (t SeverityType) IsValid() bool {
	switch t {
	case CVSSv2, CVSSv30, CVSSv31, CVSSv40, RatingCNVD, RatingCNNVD, RatingJVN, RatingGHSA, RatingOther:
		return true
	}
	return false
}

// IsCVSS reports whether t is a CVSS version (and so has a vector).
func (t SeverityType) IsCVSS() bool {
	switch t {
	case CVSSv2, CVSSv30, CVSSv31, CVSSv40:
		return true
	}
	return false
}

func (t *SeverityType) UnmarshalJSON(b []byte) error {
	return unmarshalVocab(b, (*string)(t), SeverityType.IsValid, "severity type")
}

// RangeType is the version scheme of a Range, as OSV defines it.
type RangeType string

const (
	RangeSemver    RangeType = "SEMVER"
	RangeEcosystem RangeType = "ECOSYSTEM"
	RangeGit       RangeType = "GIT"
)

func (t RangeType) String() string { return string(t) }

// IsValid reports whether t is one of OSV's range types.
func (t RangeType) IsValid() bool {
	switch t {
	case RangeSemver, RangeEcosystem, RangeGit:
		return true
	}
	return false
}

func (t *RangeType) UnmarshalJSON(b []byte) error {
	return unmarshalVocab(b, (*string)(t), RangeType.IsValid, "range type")
}

// unmarshalVocab decodes a JSON string into dst and rejects values outside
// the vocabulary, so that an unknown value is an error at the boundary
// rather than a silent default deep inside.
func unmarshalVocab[T ~string](b []byte, dst *string, valid func(T) bool, what string) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if !valid(T(s)) {
		return fmt.Errorf("unknown %s %q", what, s)
	}
	*dst = s
	return nil
}
