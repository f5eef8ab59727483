package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/attackpath"
	"github.com/vmc-dev/vmc/internal/auth"
)

// Attack-path analysis of a posted model, stored nowhere: the web UI's
// "paste a model and look at its graph". It reads nothing from the store
// and changes nothing, so it needs only finding.read, as the rules' dry-run
// does.

// maxAttackAnalyseModel bounds a posted model. The analysis runs inside the
// request, so the limit is well under the package's 16 MiB file limit; a
// bigger network belongs in a stored analysis or `vmc attackpath analyse`.
const maxAttackAnalyseModel = 1 << 20

// maxAttackAnalyseFacts bounds the derivation for the same reason (the
// package allows 2,000,000 for the CLI).
const maxAttackAnalyseFacts = 200_000

type attackAnalyseInput struct {
	Body struct {
		Model     string   `json:"model" minLength:"1" maxLength:"1048576" doc:"MulVAL input facts, or vmc's JSON model (it starts with {); docs/attack-paths.md"`
		File      string   `json:"file,omitempty" maxLength:"200" doc:"the model's file name, used in error positions; model.P or model.json by default"`
		Goals     []string `json:"goals,omitempty" maxItems:"64" doc:"goal predicates such as execCode(db1,_); the model's attackGoal facts when empty"`
		Attackers []string `json:"attackers,omitempty" maxItems:"64" doc:"hosts the attacker starts on, replacing the model's attackerLocated facts"`
		Paths     int      `json:"paths,omitempty" minimum:"0" maximum:"20" doc:"paths to rank per goal; 3 by default"`
		NoFixes   bool     `json:"no_fixes,omitempty" doc:"skip the search for the smallest fix set"`
	}
}

// attackAnalyseOutput is the report: goals, graph (nodes with kind
// OR/AND/LEAF, label, goal flag; edges from premise to conclusion), paths
// (most likely first, with steps) and fixes (exact or greedy).
type attackAnalyseOutput struct{ Body attackpath.AttackReport }

// attackModelFile names the posted model for error positions.
func attackModelFile(name, src string) string {
	if name != "" {
		return name
	}
	for _, c := range src {
		switch c {
		case ' ', '\t', '\r', '\n', '\ufeff':
			continue
		case '{':
			return "model.json"
		}
		break
	}
	return "model.P"
}

// attackTerms parses the goal or attacker overrides; what names a goal is a
// predicate, what names an attacker a constant.
func attackTerms(field string, in []string, predicate bool) ([]attackpath.Term, error) {
	var out []attackpath.Term
	for i, s := range in {
		t, err := attackpath.ParseTerm(s)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s[%d] %q: %w", field, i, s, err)
		case predicate && t.Kind != attackpath.TermCompound:
			return nil, fmt.Errorf("%s[%d] %q: %w: not a predicate such as execCode(host,_)", field, i, s, attackpath.ErrInvalid)
		case !predicate && !t.IsConst():
			return nil, fmt.Errorf("%s[%d] %q: %w: not a host name", field, i, s, attackpath.ErrInvalid)
		}
		out = append(out, t)
	}
	return out, nil
}

// attackAnalyse parses and analyses one posted model. The client's errors
// wrap attackpath.ErrSyntax, ErrInvalid or ErrTooLarge and name
// file:line:col or the JSON entry.
func attackAnalyse(in *attackAnalyseInput) (attackpath.AttackReport, error) {
	b := in.Body
	goals, err := attackTerms("goals", b.Goals, true)
	if err != nil {
		return attackpath.AttackReport{}, err
	}
	attackers, err := attackTerms("attackers", b.Attackers, false)
	if err != nil {
		return attackpath.AttackReport{}, err
	}
	m, err := attackpath.ParseModel(attackModelFile(b.File, b.Model), []byte(b.Model))
	if err != nil {
		return attackpath.AttackReport{}, err
	}
	if len(goals) == 0 && len(m.Goals()) == 0 {
		return attackpath.AttackReport{}, fmt.Errorf("%s: %w: the model states no attackGoal; give one in goals", m.Source, attackpath.ErrInvalid)
	}
	m.SetAttackers(attackers)
	res, err := attackpath.Analyse(m, attackpath.Options{Goals: goals, MaxFacts: maxAttackAnalyseFacts})
	if err != nil {
		return attackpath.AttackReport{}, err
	}
	k := b.Paths
	if k == 0 {
		k = 3
	}
	return res.Report(k, !b.NoFixes)
}

func (s *Server) registerAttackAnalyse(api huma.API) {
	op(s, api, huma.Operation{OperationID: "attack-analyse", Method: http.MethodPost, Path: "/api/v1/attack-paths/analyse", Tags: []string{"attack paths"},
		Summary: "Analyse a posted network model (MulVAL facts or vmc's JSON, at most 1 MiB) without storing it: " +
			"the goals reached, the attack graph, ranked paths and the smallest fix set. Errors in the model are 422 naming file:line:col or the entry.",
		MaxBodyBytes: 2 * maxAttackAnalyseModel}, string(auth.FindingRead),
		func(ctx context.Context, in *attackAnalyseInput) (*attackAnalyseOutput, error) {
			rep, err := attackAnalyse(in)
			switch {
			case errors.Is(err, attackpath.ErrTooLarge):
				return nil, huma.Error413RequestEntityTooLarge(err.Error())
			case errors.Is(err, attackpath.ErrSyntax), errors.Is(err, attackpath.ErrInvalid):
				return nil, huma.Error422UnprocessableEntity(err.Error())
			case err != nil:
				return nil, err
			}
			return &attackAnalyseOutput{Body: rep}, nil
		})
}
