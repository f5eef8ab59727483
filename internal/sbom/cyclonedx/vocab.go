package cyclonedx

import (
	"fmt"
	"slices"
)

// State is a VEX statement's impact analysis state, CycloneDX 1.4+
// vulnerabilities[].analysis.state (schema definition "impactAnalysisState").
// The same words as Dependency-Track's AnalysisState, whose NOT_SET is the
// zero State here.
type State string

const (
	// Resolved: the vulnerability was remediated.
	StateResolved State = "resolved"
	// ResolvedWithPedigree: remediated, and the pedigree of the component
	// (patches, commits) shows how.
	StateResolvedWithPedigree State = "resolved_with_pedigree"
	// Exploitable: the component is affected and the flaw can be exploited.
	StateExploitable State = "exploitable"
	// InTriage: being investigated.
	StateInTriage State = "in_triage"
	// FalsePositive: the vulnerability was wrongly attributed to the component.
	StateFalsePositive State = "false_positive"
	// NotAffected: the component carries the flaw but is not affected by it;
	// the Justification says why.
	StateNotAffected State = "not_affected"
)

var states = []State{StateResolved, StateResolvedWithPedigree, StateExploitable, StateInTriage, StateFalsePositive, StateNotAffected}

func (s State) String() string { return string(s) }

// IsValid reports whether s is one of the schema's states.
func (s State) IsValid() bool { return slices.Contains(states, s) }

// UnmarshalText rejects words the schema does not define.
func (s *State) UnmarshalText(b []byte) error {
	if !State(b).IsValid() {
		return fmt.Errorf("unknown analysis state %q (%v)", b, states)
	}
	*s = State(b)
	return nil
}

// MarshalText writes the schema's word. The zero State, "not stated",
// marshals as "".
func (s State) MarshalText() ([]byte, error) { return []byte(s), nil }

// Justification says why a component is not affected: CycloneDX
// vulnerabilities[].analysis.justification ("impactAnalysisJustification"),
// Dependency-Track's AnalysisJustification.
type Justification string

const (
	JustCodeNotPresent               Justification = "code_not_present"
	JustCodeNotReachable             Justification = "code_not_reachable"
	JustRequiresConfiguration        Justification = "requires_configuration"
	JustRequiresDependency           Justification = "requires_dependency"
	JustRequiresEnvironment          Justification = "requires_environment"
	JustProtectedByCompiler          Justification = "protected_by_compiler"
	JustProtectedAtRuntime           Justification = "protected_at_runtime"
	JustProtectedAtPerimeter         Justification = "protected_at_perimeter"
	JustProtectedByMitigatingControl Justification = "protected_by_mitigating_control"
)

var justifications = []Justification{
	JustCodeNotPresent, JustCodeNotReachable, JustRequiresConfiguration, JustRequiresDependency,
	JustRequiresEnvironment, JustProtectedByCompiler, JustProtectedAtRuntime, JustProtectedAtPerimeter,
	JustProtectedByMitigatingControl,
}

func (j Justification) String() string { return string(j) }

// IsValid reports whether j is one of the schema's justifications.
func (j Justification) IsValid() bool { return slices.Contains(justifications, j) }

// UnmarshalText rejects words the schema does not define.
func (j *Justification) UnmarshalText(b []byte) error {
	if !Justification(b).IsValid() {
		return fmt.Errorf("unknown justification %q (%v)", b, justifications)
	}
	*j = Justification(b)
	return nil
}

// MarshalText writes the schema's word.
func (j Justification) MarshalText() ([]byte, error) { return []byte(j), nil }

// Response is what the vendor does or asks: CycloneDX
// vulnerabilities[].analysis.response[] ("impactAnalysisResponse"),
// Dependency-Track's AnalysisResponse.
type Response string

const (
	RespCanNotFix           Response = "can_not_fix"
	RespWillNotFix          Response = "will_not_fix"
	RespUpdate              Response = "update"
	RespRollback            Response = "rollback"
	RespWorkaroundAvailable Response = "workaround_available"
)

var responses = []Response{RespCanNotFix, RespWillNotFix, RespUpdate, RespRollback, RespWorkaroundAvailable}

func (r Response) String() string { return string(r) }

// IsValid reports whether r is one of the schema's responses.
func (r Response) IsValid() bool { return slices.Contains(responses, r) }

// UnmarshalText rejects words the schema does not define.
func (r *Response) UnmarshalText(b []byte) error {
	if !Response(b).IsValid() {
		return fmt.Errorf("unknown response %q (%v)", b, responses)
	}
	*r = Response(b)
	return nil
}

// MarshalText writes the schema's word.
func (r Response) MarshalText() ([]byte, error) { return []byte(r), nil }
