package rules

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// Rule is one version of an automation rule. Every change is a new
// version; runs name the version they ran, so that what a rule did is
// always explained by the text it had then.
type Rule struct {
	ID      int64  `json:"id"`
	Version int    `json:"version"`
	Name    string `json:"name"`
	// On lists the kinds the rule listens to; empty is every kind.
	On []Kind `json:"on,omitempty"`
	// When is the condition (an expr boolean over Env); empty is true.
	When string `json:"when,omitempty"`
	// Then is the actions: an expr expression giving one action or a list
	// of them, built with the action functions.
	Then    string    `json:"then"`
	Enabled bool      `json:"enabled"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Reason  string    `json:"reason,omitempty"`
	// After is the last event recorded when the version was saved: the
	// version acts on later events only, and meets the past in dry-runs.
	After int64 `json:"after_event"`
}

// Limits on what a rule may be, so that a saved rule cannot make every
// event expensive.
const (
	MaxName   = 200
	MaxSource = 16 << 10
	// maxNodes bounds the compiled expression, as expr counts nodes.
	maxNodes = 10000
)

// ErrRule marks a rule that cannot be saved.
var ErrRule = errors.New("invalid rule")

// CompileError locates an expression that does not compile. Line and
// Column count from 1; Column counts characters, not bytes.
type CompileError struct {
	Part    string `json:"part"` // "when" or "then"
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("%s: line %d, column %d: %s", e.Part, e.Line, e.Column, e.Message)
}

// Unwrap makes every compile error an ErrRule.
func (e *CompileError) Unwrap() error { return ErrRule }

// Localize says the error in lang ("en" or "zh-CN"). expr's own message
// stays as expr wrote it (English): it quotes the rule's names.
func (e *CompileError) Localize(lang string) string {
	if strings.HasPrefix(lang, "zh") {
		part := map[string]string{"when": "条件", "then": "动作"}[e.Part]
		return fmt.Sprintf("%s第 %d 行第 %d 列：%s", part, e.Line, e.Column, e.Message)
	}
	return e.Error()
}

// Compiled is a rule ready to evaluate.
type Compiled struct {
	Rule Rule
	when *vm.Program
	then *vm.Program
}

var (
	actionType      = reflect.TypeOf(Action{})
	actionSliceType = reflect.TypeOf([]Action{})
)

// functions are the action builders a Then expression may call, typed so
// that expr checks their arguments when the rule is compiled.
var functions = []expr.Option{
	builder("priority", SetPriority, new(func(string) Action)),
	builder("ssvc", SetSSVC, new(func(string, string) Action)),
	builder("assign", Assign, new(func(string) Action)),
	builder("notify", Notify, new(func(string, string) Action)),
	builder("open_incident", OpenIncident, new(func(string, string) Action)),
	builder("ticket", Ticket, new(func(string, string) Action)),
	builder("tag", Tag, new(func(string) Action)),
}

func builder(name string, v Verb, sig any) expr.Option {
	return expr.Function(name, func(params ...any) (any, error) {
		a := Action{Verb: v, Args: make([]string, len(params))}
		for i, p := range params {
			s, ok := p.(string)
			if !ok {
				return nil, fmt.Errorf("%s: argument %d is %T, not a string", name, i+1, p)
			}
			a.Args[i] = s
		}
		return a, a.Validate()
	}, sig)
}

// Compile checks a rule and prepares it. Errors wrap ErrRule; an
// expression that does not compile is a *CompileError.
func Compile(r Rule) (*Compiled, error) {
	r.Name = strings.TrimSpace(r.Name)
	switch {
	case r.Name == "":
		return nil, fmt.Errorf("%w: a rule needs a name", ErrRule)
	case len(r.Name) > MaxName:
		return nil, fmt.Errorf("%w: name is %d bytes (at most %d)", ErrRule, len(r.Name), MaxName)
	case len(r.When) > MaxSource || len(r.Then) > MaxSource:
		return nil, fmt.Errorf("%w: an expression is longer than %d bytes", ErrRule, MaxSource)
	case strings.TrimSpace(r.Then) == "":
		return nil, fmt.Errorf("%w: a rule needs actions (then)", ErrRule)
	}
	for _, k := range r.On {
		if !k.IsValid() {
			return nil, fmt.Errorf("%w: unknown event kind %q", ErrRule, k)
		}
	}
	c := &Compiled{Rule: r}
	opts := []expr.Option{expr.Env(Env{}), expr.MaxNodes(maxNodes)}
	var err error
	if strings.TrimSpace(r.When) != "" {
		c.when, err = expr.Compile(r.When, append(opts, expr.AsBool())...)
		if err != nil {
			return nil, locate("when", r.When, err)
		}
	}
	c.then, err = expr.Compile(r.Then, append(opts, functions...)...)
	if err != nil {
		return nil, locate("then", r.Then, err)
	}
	if t := c.then.Node().Type(); t != nil && t != actionType && t != actionSliceType && t.Kind() != reflect.Interface &&
		!(t.Kind() == reflect.Slice && (t.Elem() == actionType || t.Elem().Kind() == reflect.Interface)) {
		return nil, &CompileError{Part: "then", Line: 1, Column: 1,
			Message: fmt.Sprintf("actions are %s, not an action or a list of actions", t)}
	}
	return c, nil
}

// locate turns expr's error into a CompileError.
func locate(part, src string, err error) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		line, col := fe.Line, fe.Column+1
		if line == 0 {
			line = 1
		}
		return &CompileError{Part: part, Line: line, Column: col, Message: fe.Message}
	}
	return &CompileError{Part: part, Line: 1, Column: 1, Message: err.Error()}
}

// Outcome is what a rule did, or would do, for one event.
type Outcome struct {
	Matched bool     `json:"matched"`
	Actions []Action `json:"actions,omitempty"`
	// Error is why evaluating failed (an action with a bad argument, a
	// runtime error in the expression); nothing is done then.
	Error string `json:"error,omitempty"`
}

// Evaluate runs the rule on one event's environment: whether it applies
// and what it would do. It does nothing.
func (c *Compiled) Evaluate(env Env) Outcome {
	if len(c.Rule.On) > 0 && !slices.Contains(c.Rule.On, Kind(env.Kind)) {
		return Outcome{}
	}
	if c.when != nil {
		out, err := expr.Run(c.when, env)
		if err != nil {
			return Outcome{Error: "when: " + err.Error()}
		}
		if ok, _ := out.(bool); !ok {
			return Outcome{}
		}
	}
	out, err := expr.Run(c.then, env)
	if err != nil {
		return Outcome{Matched: true, Error: "then: " + err.Error()}
	}
	acts, err := actions(out)
	if err != nil {
		return Outcome{Matched: true, Error: "then: " + err.Error()}
	}
	return Outcome{Matched: true, Actions: acts}
}

// actions flattens what Then gave: an action, a list of actions, or nil
// (a conditional that chose nothing).
func actions(v any) ([]Action, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case Action:
		return []Action{x}, nil
	case []Action:
		return x, nil
	case []any:
		out := make([]Action, 0, len(x))
		for i, e := range x {
			sub, err := actions(e)
			if err != nil {
				return nil, fmt.Errorf("item %d: %w", i+1, err)
			}
			out = append(out, sub...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%T is not an action", v)
}
