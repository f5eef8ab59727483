package acunetix

import (
	"fmt"
	"io"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// report360 is the Acunetix 360 JSON report; fields not listed are
// ignored.
type report360 struct {
	Target *struct {
		URL string `json:"Url"`
	} `json:"Target"`
	Vulnerabilities *[]vuln360 `json:"Vulnerabilities"`
}

type cvss360 struct {
	BaseScore struct {
		Value string `json:"Value"`
	} `json:"BaseScore"`
	Vector string `json:"Vector"`
}

type vuln360 struct {
	Type           string `json:"Type"`
	Name           string `json:"Name"`
	Severity       string `json:"Severity"`
	State          string `json:"State"`
	URL            string `json:"Url"`
	Description    string `json:"Description"`
	Impact         string `json:"Impact"`
	RemedialProc   string `json:"RemedialProcedure"`
	RemedialAction string `json:"RemedialActions"`
	ProofOfConcept string `json:"ProofOfConcept"`
	ExternalRefs   string `json:"ExternalReferences"`
	RemedyRefs     string `json:"RemedyReferences"`
	ExtraInfo      []struct {
		Name  string `json:"Name"`
		Value string `json:"Value"`
	} `json:"ExtraInformation"`
	Request struct {
		Content string `json:"Content"`
	} `json:"HttpRequest"`
	Classification struct {
		CVSS   *cvss360 `json:"Cvss"`
		CVSS31 *cvss360 `json:"Cvss31"`
		CWE    string   `json:"Cwe"`
	} `json:"Classification"`
}

func parseJSON(r io.Reader) (*scan.Report, error) {
	var doc report360
	if err := scan.DecodeJSON(r, &doc); err != nil {
		return nil, err
	}
	if doc.Target == nil || doc.Vulnerabilities == nil {
		return nil, fmt.Errorf("%w: no Target or no Vulnerabilities: not an Acunetix 360 report", feed.ErrFormat)
	}
	url := strings.TrimSpace(doc.Target.URL)
	if url == "" {
		return nil, feed.Errorf("Target", "Url", "missing")
	}
	rep := &scan.Report{Tool: Tool}
	target := rep.Target(scan.Target{Kind: scan.TargetWeb, Name: url, URL: url})
	for i, v := range *doc.Vulnerabilities {
		if skipState(v.State) {
			continue
		}
		res, err := v.result(fmt.Sprintf("Vulnerabilities[%d] %s", i, strings.TrimSpace(v.Type)))
		if err != nil {
			return nil, err
		}
		res.Target = target
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// skipState reports whether a vulnerability's state says it is no
// finding: fixed, a false positive, ignored or accepted.
func skipState(s string) bool {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	for _, p := range []string{"fixed", "falsepositive", "ignored", "acceptedrisk"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func (v *vuln360) result(rec string) (scan.Result, error) {
	res := scan.Result{
		Rule:         strings.TrimSpace(v.Type),
		Title:        scan.OneLine(v.Name),
		ToolSeverity: strings.TrimSpace(v.Severity),
		Location:     strings.TrimSpace(v.URL),
		Description:  scan.JoinText(scan.HTMLText(v.Description), scan.HTMLText(v.Impact)),
		Solution:     scan.JoinText(scan.HTMLText(v.RemedialProc), scan.HTMLText(v.RemedialAction)),
	}
	if res.Rule == "" {
		return res, feed.Errorf(rec, "Type", "missing")
	}
	res.Severity = severity(res.ToolSeverity)
	for _, c := range []struct {
		cvss  *cvss360
		field string
	}{{v.Classification.CVSS31, "Classification.Cvss31"}, {v.Classification.CVSS, "Classification.Cvss"}} {
		if c.cvss == nil || strings.TrimSpace(c.cvss.BaseScore.Value) == "" {
			continue
		}
		f, err := scan.ParseScore(c.cvss.BaseScore.Value)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: c.field + ".BaseScore.Value", Err: err}
		}
		res.Score, res.Vector = f, strings.TrimSpace(c.cvss.Vector)
		break
	}
	cwes, err := cweList(v.Classification.CWE)
	if err != nil {
		return res, &feed.RecordError{Record: rec, Field: "Classification.Cwe", Err: err}
	}
	for _, n := range cwes {
		res.AddCWE(n)
	}
	ev := []string{scan.HTMLText(v.ProofOfConcept)}
	for _, x := range v.ExtraInfo {
		if n, val := strings.TrimSpace(x.Name), strings.TrimSpace(x.Value); n != "" || val != "" {
			ev = append(ev, n+": "+val)
		}
	}
	if h := requestHead(v.Request.Content); h != "" {
		ev = append(ev, "Request:\n"+h)
	}
	res.Evidence = scan.Shorten(scan.JoinText(ev...))
	res.References = append(scan.Hrefs(v.ExternalRefs), scan.Hrefs(v.RemedyRefs)...)
	return res, nil
}
