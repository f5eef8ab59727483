package risk

import (
	"fmt"
	"slices"
)

// AttackPathInput is where a finding sits in an attack-path analysis
// (package attackpath): the crown-jewel goals whose ranked paths exploit
// it, and the best such path in words.
type AttackPathInput struct {
	// Goals are the goals reached through the finding, e.g.
	// "execCode(db1,root)".
	Goals []string
	// Path is the most likely of those paths, step by step.
	Path string
	// Analysis names the analysis, as the input's source.
	Analysis string
}

// WithAttackPath raises an assessment by one priority (critical stays
// critical) when the finding lies on a path to a crown jewel, and says so
// in the explanation, naming the path. It is an extra input applied after
// Assess, which it leaves as it is: a finding on no path keeps its
// priority.
func WithAttackPath(a Assessment, in AttackPathInput) Assessment {
	if len(in.Goals) == 0 {
		return a
	}
	out := a
	out.Why = slices.Clone(a.Why)
	out.Inputs = append(slices.Clone(a.Inputs), Input{Name: "attack path", Value: in.Path, Source: in.Analysis})
	r := a.Priority.Rank()
	if r >= 0 && r < len(Priorities)-1 {
		out.Priority = Priorities[r+1]
		out.Why = append(out.Why, fmt.Sprintf("on an attack path to %v (%s): raised from %s to %s", in.Goals, in.Path, a.Priority, out.Priority))
	} else {
		out.Why = append(out.Why, fmt.Sprintf("on an attack path to %v (%s)", in.Goals, in.Path))
	}
	return out
}
