package prowler

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
)

// ocsfProwler finds Prowler's name as the OCSF product, so that another
// tool's OCSF findings are not taken for Prowler's.
var ocsfProwler = regexp.MustCompile(`"product"\s*:\s*\{[^{}]*"name"\s*:\s*"Prowler"`)

// Sniff reports whether head is Prowler output: a JSON array whose first
// finding has CheckID (Prowler 3's JSON), an OCSF array whose product is
// Prowler (Prowler 4's JSON-OCSF), or a CSV header of Prowler 2
// (TITLE_ID, CHECK_RESULT) or 3 and later (CHECK_ID, STATUS, separated
// by ";"). A bare "[]" (no findings) is not claimed: any JSON-array tool
// writes the same.
func Sniff(head []byte) bool {
	switch jsonstream.HeadStart(head) {
	case '[':
		keys := feed.TopKeys(head)
		if slices.Contains(keys, "CheckID") && (slices.Contains(keys, "FindingUniqueId") || slices.Contains(keys, "Status")) {
			return true
		}
		return slices.Contains(keys, "finding_info") && ocsfProwler.Match(head)
	case '{', 0:
		return false
	}
	line, _, _ := bytes.Cut(bytes.TrimPrefix(head, feed.BOM), []byte("\n"))
	cols := csvColumns(string(line))
	has := func(c string) bool { return slices.Contains(cols, c) }
	return has("TITLE_ID") && has("CHECK_RESULT") || has("CHECK_ID") && has("STATUS") && (has("PROVIDER") || has("FINDING_UNIQUE_ID") || has("FINDING_UID"))
}

// csvColumns splits a header line at "," or, failing that, ";".
func csvColumns(line string) []string {
	line = strings.TrimRight(line, "\r")
	sep := ","
	if strings.Count(line, ";") > strings.Count(line, ",") {
		sep = ";"
	}
	cols := strings.Split(line, sep)
	for i := range cols {
		cols[i] = strings.Trim(strings.TrimSpace(cols[i]), `"`)
	}
	return cols
}

// v3 is a finding of Prowler 3's JSON output (prowler/lib/outputs/models.py
// Check_Output_JSON).
type v3 struct {
	AssessmentStartTime string `json:"AssessmentStartTime"`
	FindingUniqueID     string `json:"FindingUniqueId"`
	Provider            string `json:"Provider"`
	CheckID             string `json:"CheckID"`
	CheckTitle          string `json:"CheckTitle"`
	Status              string `json:"Status"`
	StatusExtended      string `json:"StatusExtended"`
	Severity            string `json:"Severity"`
	Description         string `json:"Description"`
	Risk                string `json:"Risk"`
	RelatedURL          string `json:"RelatedUrl"`
	Remediation         struct {
		Recommendation struct {
			Text string `json:"Text"`
			URL  string `json:"Url"`
		} `json:"Recommendation"`
	} `json:"Remediation"`
	AccountID   string `json:"AccountId"`
	Region      string `json:"Region"`
	ResourceID  string `json:"ResourceId"`
	ResourceArn string `json:"ResourceArn"`
}

// ocsf is a Detection Finding of OCSF 1.x as Prowler 4 writes it
// (https://schema.ocsf.io/classes/detection_finding).
type ocsf struct {
	Metadata struct {
		EventCode string `json:"event_code"`
		Product   struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"product"`
	} `json:"metadata"`
	Severity     string `json:"severity"`
	StatusCode   string `json:"status_code"`
	StatusDetail string `json:"status_detail"`
	FindingInfo  struct {
		CreatedTime string `json:"created_time"`
		Desc        string `json:"desc"`
		Title       string `json:"title"`
		UID         string `json:"uid"`
	} `json:"finding_info"`
	Resources []struct {
		Region string `json:"region"`
		Name   string `json:"name"`
		UID    string `json:"uid"`
	} `json:"resources"`
	Cloud struct {
		Account struct {
			UID string `json:"uid"`
		} `json:"account"`
		Provider string `json:"provider"`
		Region   string `json:"region"`
	} `json:"cloud"`
	Unmapped struct {
		RelatedURL any `json:"related_url"`
	} `json:"unmapped"`
	Remediation struct {
		Desc       string   `json:"desc"`
		References []string `json:"references"`
	} `json:"remediation"`
	RiskDetails string `json:"risk_details"`
	EventTime   string `json:"event_time"`
}

// builder collects results and targets.
type builder struct {
	rep     *scan.Report
	targets *scan.Targets[string] // by account
}

// add adds a result on the account's target, skipping passed checks.
// status is the check outcome; severity the check's.
func (b *builder) add(account, status, severity string, out scan.Result) {
	switch strings.ToUpper(status) {
	case "PASS":
		return // the check found nothing
	case "FAIL":
		out.Severity, out.ToolSeverity = scan.ParseSeverity(severity), severity
	default:
		// INFO, MANUAL, WARNING: an outcome to look at, not a failure.
		out.Severity, out.ToolSeverity = scan.SevInfo, status
	}
	out.Target = b.targets.Index(account, func() scan.Target { return scan.Target{Kind: scan.TargetSource, Name: account} })
	b.rep.Results = append(b.rep.Results, out)
}

// started keeps the earliest assessment time.
func (b *builder) started(t time.Time) {
	if !t.IsZero() && (b.rep.Started.IsZero() || t.Before(b.rep.Started)) {
		b.rep.Started = t
	}
}

// Parse reads Prowler's JSON (3), JSON-OCSF (4 and later) or CSV (2, or
// 3 and later) output. JSON findings and CSV rows are streamed.
func Parse(r io.Reader) (*scan.Report, error) {
	c, in, err := jsonstream.First(r)
	switch {
	case err == io.EOF:
		return nil, feed.Errorf("", "", "empty input: Prowler writes a JSON array or a CSV header even when it finds nothing")
	case err != nil:
		return nil, jsonstream.Located(err, "", "")
	}
	rep := &scan.Report{Tool: "prowler"}
	b := &builder{rep: rep, targets: scan.NewTargets[string](rep)}
	switch c {
	case '[':
		err = parseJSON(in, b)
	case '{':
		return nil, feed.Errorf("", "", "got a JSON object, want a JSON array of Prowler findings or CSV")
	default:
		err = parseCSV(in, b)
	}
	if err != nil {
		return nil, err
	}
	return b.rep, nil
}

func parseJSON(in io.Reader, b *builder) error {
	rd := jsonstream.NewReader(in)
	err := rd.Array(func(i int) error {
		name := fmt.Sprintf("[%d]", i)
		raw, err := rd.Raw()
		if err != nil {
			return jsonstream.Located(err, name, "")
		}
		// Prowler 3's keys are PascalCase and OCSF's snake_case, and
		// encoding/json matches keys without regard to case ("Status" and
		// OCSF's "status"), so the shape is decided before decoding.
		var probe struct {
			CheckID     *json.RawMessage `json:"CheckID"`
			FindingInfo *json.RawMessage `json:"finding_info"`
		}
		if k := jsonstream.KindOf(raw); k != "object" {
			return feed.Errorf(name, "", "got JSON %s, want object", k)
		}
		_ = json.Unmarshal(raw, &probe)
		switch {
		case probe.FindingInfo != nil:
			return readOCSF(raw, name, b)
		case probe.CheckID != nil:
			return readV3(raw, name, b)
		}
		return feed.Errorf(name, "", "neither a Prowler finding (CheckID) nor an OCSF finding (finding_info)")
	})
	if err != nil {
		return jsonstream.Located(err, "", "")
	}
	if err := rd.End(); err != nil {
		return jsonstream.Located(err, "", "")
	}
	return nil
}

func readV3(raw json.RawMessage, name string, b *builder) error {
	var f v3
	err := jsonstream.Unmarshal(raw, &f)
	name, err = jsonstream.Named(name, f.CheckID, "CheckID", err)
	if err != nil {
		return err
	}
	t, err := jsonstream.ParseTime(f.AssessmentStartTime)
	if err != nil {
		return feed.Errorf(name, "AssessmentStartTime", "%v", err)
	}
	b.started(t)
	out := scan.Result{
		Rule:        f.CheckID,
		Title:       f.CheckTitle,
		Location:    firstOf(f.ResourceArn, f.ResourceID, f.Region),
		Description: describe(f.Description, f.Risk),
		Solution:    f.Remediation.Recommendation.Text,
		Evidence:    scan.Shorten(f.StatusExtended),
		References:  appendNew(nil, f.RelatedURL, f.Remediation.Recommendation.URL),
	}
	b.add(f.AccountID, f.Status, f.Severity, out)
	return nil
}

func readOCSF(raw json.RawMessage, name string, b *builder) error {
	var f ocsf
	err := jsonstream.Unmarshal(raw, &f)
	id := f.Metadata.EventCode
	name, err = jsonstream.Named(name, id, "metadata.event_code", err)
	if err != nil {
		return err
	}
	if v := f.Metadata.Product.Version; v != "" && b.rep.Version == "" {
		b.rep.Version = v
	}
	t, err := jsonstream.ParseTime(f.FindingInfo.CreatedTime)
	if err != nil {
		return feed.Errorf(name, "finding_info.created_time", "%v", err)
	}
	b.started(t)
	out := scan.Result{
		Rule:        id,
		Title:       f.FindingInfo.Title,
		Description: describe(f.FindingInfo.Desc, f.RiskDetails),
		Solution:    f.Remediation.Desc,
		Evidence:    scan.Shorten(f.StatusDetail),
		Location:    f.Cloud.Region,
	}
	if len(f.Resources) > 0 {
		r := f.Resources[0]
		out.Location = firstOf(r.UID, r.Name, r.Region, f.Cloud.Region)
	}
	// related_url is a string in Prowler 4, a list in later versions.
	switch u := f.Unmapped.RelatedURL.(type) {
	case string:
		out.References = appendNew(out.References, u)
	case []any:
		for _, x := range u {
			if s, ok := x.(string); ok {
				out.References = appendNew(out.References, s)
			}
		}
	}
	out.References = appendNew(out.References, f.Remediation.References...)
	b.add(f.Cloud.Account.UID, f.StatusCode, f.Severity, out)
	return nil
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func describe(desc, risk string) string {
	desc, risk = strings.TrimSpace(desc), strings.TrimSpace(risk)
	if risk == "" || risk == desc {
		return desc
	}
	if desc == "" {
		return "Risk: " + risk
	}
	return desc + "\n\nRisk: " + risk
}

func appendNew(list []string, add ...string) []string {
	for _, s := range add {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// maxRow bounds one CSV row: a row is buffered whole, and Prowler's
// longest, with its remediation text, is a few KiB.
const maxRow = 1 << 20

// checkTag is the check id Prowler 2 writes in front of a title:
// "[check11] Avoid the use of the root account (Scored)".
var checkTag = regexp.MustCompile(`^\[([A-Za-z0-9_.-]+)\]\s*`)

// csvFields are the columns read, under their Prowler 2 and Prowler 3+
// names.
var csvFields = map[string][]string{
	"account":  {"ACCOUNT_NUM", "ACCOUNT_ID", "ACCOUNT_UID"},
	"region":   {"REGION"},
	"check":    {"CHECK_ID", "TITLE_ID"},
	"title":    {"CHECK_TITLE", "TITLE_TEXT"},
	"status":   {"STATUS", "CHECK_RESULT"},
	"extended": {"STATUS_EXTENDED", "CHECK_RESULT_EXTENDED"},
	"severity": {"SEVERITY", "CHECK_SEVERITY"},
	"risk":     {"RISK", "CHECK_RISK"},
	"desc":     {"DESCRIPTION"},
	"fix":      {"REMEDIATION_RECOMMENDATION_TEXT", "CHECK_REMEDIATION"},
	"url":      {"REMEDIATION_RECOMMENDATION_URL", "CHECK_DOC"},
	"related":  {"RELATED_URL"},
	"resource": {"RESOURCE_ARN", "RESOURCE_UID", "RESOURCE_ID"},
	"start":    {"ASSESSMENT_START_TIME", "TIMESTAMP"},
}

func parseCSV(in io.Reader, b *builder) error {
	br := &feed.BoundedReader{R: in, Limit: maxRow}
	buf := bufio.NewReaderSize(br, 64<<10)
	// The separator is "," in Prowler 2 and ";" since 3: read it from
	// the header line, looking no further than 64 KiB.
	head, err := buf.Peek(64 << 10)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return csvError(err, "line 1")
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	comma := ','
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		comma = ';'
	}
	cr := csv.NewReader(buf)
	cr.Comma = comma
	cr.ReuseRecord = true
	// Prowler 2 writes quotes inside unquoted fields as they are (`The
	// "root" account has …`), which strict CSV refuses.
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return csvError(err, "line 1")
	}
	header = slices.Clone(header)
	col := map[string]int{}
	for field, names := range csvFields {
		for _, n := range names {
			if i := slices.Index(header, n); i >= 0 {
				col[field] = i
				break
			}
		}
	}
	for _, need := range []string{"check", "status"} {
		if _, ok := col[need]; !ok {
			return feed.Errorf("line 1", "", "no %s column (%s): not a Prowler CSV", need, strings.Join(csvFields[need], " or "))
		}
	}
	for {
		lineNo := br.NextLine(buf)
		br.Limit = br.N + maxRow
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		name := fmt.Sprintf("line %d", lineNo)
		if err != nil {
			return csvError(err, name)
		}
		get := func(f string) string {
			if i, ok := col[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		check, title := get("check"), get("title")
		if m := checkTag.FindStringSubmatch(title); m != nil {
			// Prowler 2: the check id is in the title; TITLE_ID is the
			// benchmark's section number.
			check, title = m[1], title[len(m[0]):]
		}
		if check == "" {
			return feed.Errorf(name, header[col["check"]], "missing")
		}
		t, err := jsonstream.ParseTime(get("start"))
		if err != nil {
			return feed.Errorf(name, header[col["start"]], "%v", err)
		}
		b.started(t)
		out := scan.Result{
			Rule:        check,
			Title:       title,
			Location:    firstOf(get("resource"), get("region")),
			Description: describe(get("desc"), get("risk")),
			Solution:    get("fix"),
			Evidence:    scan.Shorten(get("extended")),
			References:  appendNew(nil, get("related"), get("url")),
		}
		b.add(get("account"), get("status"), get("severity"), out)
	}
}

// csvError locates a CSV reader's error.
func csvError(err error, name string) error {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, feed.ErrTooLarge):
		return feed.Errorf(name, "", "row larger than %d KiB", maxRow>>10)
	case errors.As(err, &pe):
		return feed.Errorf(fmt.Sprintf("line %d", pe.StartLine), "", "column %d: %v", pe.Column, pe.Err)
	case err == io.EOF:
		return feed.Errorf(name, "", "no header")
	}
	// The reader under the document failed: not a fault of the report.
	return &feed.RecordError{Record: name, Err: fmt.Errorf("read: %w", err)}
}
