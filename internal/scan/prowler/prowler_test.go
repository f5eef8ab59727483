package prowler

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSharedSamples(t *testing.T) {
	scantest.Samples(t, Parse, "prowler", scantest.GoldenStem, scantest.CountTally, []scantest.Sample[scantest.Tally]{
		// README: 214 rows, FAIL 42, PASS 84, INFO 88. PASS rows are no
		// results: 42 + 88 = 130. FAIL by check severity: Medium 30,
		// Informational 5, Low 3, High 3, Critical 1.
		{File: "many_vuln2.csv", Want: scantest.Tally{Targets: 1, Results: 130, BySeverity: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevHigh: 3, scan.SevMedium: 30, scan.SevLow: 3, scan.SevInfo: 5 + 88}}, Golden: true},
		{File: "many_vuln.json", Want: scantest.Tally{Targets: 1, Results: 3, BySeverity: map[scan.Severity]int{
			scan.SevHigh: 1, scan.SevMedium: 1, scan.SevLow: 1}}, Golden: true},
		{File: "many_vuln.ocsf.json", Want: scantest.Tally{Targets: 1, Results: 3, BySeverity: map[scan.Severity]int{scan.SevHigh: 3}}, Golden: true},
		{File: "no_vuln.ocsf.json", Want: scantest.Tally{Targets: 0, Results: 0, BySeverity: map[scan.Severity]int{}}, Golden: true},
	})
}

func TestSpotChecks(t *testing.T) {
	v2 := scantest.ParseFile(t, Parse, scantest.Shared(t, "prowler/many_vuln2.csv"))
	v3 := scantest.ParseFile(t, Parse, scantest.Shared(t, "prowler/many_vuln.json"))
	oc := scantest.ParseFile(t, Parse, scantest.Shared(t, "prowler/many_vuln.ocsf.json"))
	scantest.SpotChecks(t, []scantest.Spot{
		{
			Name: "Prowler 2 CSV: the check id from the title, region as location",
			Got:  v2.Results[0],
			Want: scan.Result{Rule: "check13", Title: "Ensure credentials unused for 90 days or greater are disabled (Scored)",
				Severity: scan.SevMedium, ToolSeverity: "Medium", Location: "us-east-1",
				Description: "Risk: AWS IAM users can access AWS resources using different types of credentials (passwords or access keys). It is recommended that all credentials that have been unused in 90 or greater days be removed or deactivated.",
				Solution:    "Use the credential report to  ensure password_last_changed is less than 90 days ago.",
				Evidence:    "User example has never used access key 1 since creation and not rotated it in the past 90 days",
				References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html"}},
		},
		{
			Name: "Prowler 2 CSV: an INFO row is info whatever the check's severity",
			Got: func() any {
				for _, r := range v2.Results {
					if r.Rule == "check28" && r.ToolSeverity == "INFO" {
						return []any{r.Severity, r.Evidence}
					}
				}
				return nil
			}(),
			Want: []any{scan.SevInfo, "eu-north-1: This region has no KMS keys"},
		},
		{
			Name: "account targets",
			Got:  []any{v2.Targets, v3.Targets, oc.Targets},
			Want: []any{[]scan.Target{{Kind: scan.TargetSource, Name: "123456789012"}}, []scan.Target{{Kind: scan.TargetSource, Name: "999999999999"}},
				[]scan.Target{{Kind: scan.TargetSource, Name: "123456789012"}}},
		},
		{
			Name: "Prowler 3 JSON: resource ARN, start time",
			Got:  []any{v3.Results[0].Rule, v3.Results[0].Location, v3.Started.String()},
			Want: []any{"acm_certificates_expiration_check", "arn:aws:acm:us-east-1:999999999999:certificate/ffffffff-0000-0000-0000-000000000000",
				"2023-04-25 23:49:42.744599 +0000 UTC"},
		},
		{
			Name: "OCSF: event code as rule, product version",
			Got:  []any{oc.Results[1].Rule, oc.Results[1].Location, oc.Results[1].Severity, oc.Version},
			Want: []any{"iam_role_cross_account_readonlyaccess_policy", "arn:aws:iam::123456789012:role/AuditRole", scan.SevHigh, "4.2.1"},
		},
	})
}

const csvHeader = "PROFILE,ACCOUNT_NUM,REGION,TITLE_ID,CHECK_RESULT,TITLE_TEXT,CHECK_SEVERITY\n"

var badInputs = []scantest.BadInput{
	{Name: "empty", In: "",
		Want: "malformed input: empty input: Prowler writes a JSON array or a CSV header even when it finds nothing"},
	{Name: "malformed JSON", In: `[{"CheckID":"x",}]`,
		Want: "[0]: malformed input: invalid JSON after byte 1: invalid character '}' looking for beginning of object key string"},
	{Name: "wrong top-level type", In: `{"CheckID":"x"}`,
		Want: "malformed input: got a JSON object, want a JSON array of Prowler findings or CSV"},
	{Name: "element not an object", In: `[1]`,
		Want: "[0]: malformed input: got JSON number, want object"},
	{Name: "neither shape", In: `[{"id":"x"}]`,
		Want: "[0]: malformed input: neither a Prowler finding (CheckID) nor an OCSF finding (finding_info)"},
	{Name: "wrong-typed field deep in a finding", In: `[{"CheckID":"acm_certificates_expiration_check","Remediation":{"Recommendation":{"Text":1}}}]`,
		Want: "[0] acm_certificates_expiration_check: Remediation.Recommendation.Text: malformed input: got JSON number, want string"},
	{Name: "wrong-typed OCSF resource", In: `[{"metadata":{"event_code":"iam_x"},"finding_info":{},"resources":[{"uid":["arn"]}]}]`,
		Want: "[0] iam_x: resources[0].uid: malformed input: got JSON array, want string"},
	{Name: "OCSF without event code", In: `[{"finding_info":{"uid":"x"}}]`,
		Want: "[0]: metadata.event_code: malformed input: missing"},
	{Name: "bad time", In: `[{"CheckID":"c","AssessmentStartTime":"yesterday"}]`,
		Want: `[0] c: AssessmentStartTime: malformed input: not a timestamp: "yesterday"`},
	{Name: "NaN literal", In: `[{"CheckID":NaN}]`,
		Want: "[0]: malformed input: invalid JSON after byte 1: invalid character 'N' looking for beginning of value"},
	{Name: "trailing garbage", In: `[] []`,
		Want: "malformed input: data after the report at byte 4"},
	{Name: "truncated JSON", In: `[{"CheckID":"c"`,
		Want: "[0]: malformed input: truncated: unexpected end of input"},
	{Name: "CSV without a check column", In: "ACCOUNT_NUM,CHECK_RESULT\n1,FAIL\n",
		Want: "line 1: malformed input: no check column (CHECK_ID or TITLE_ID): not a Prowler CSV"},
	{Name: "CSV row of the wrong width", In: csvHeader + ",1,us-east-1,1.1,FAIL,[check11] t,High\n,1,us-east-1,1.2,FAIL\n",
		Want: "line 3: malformed input: column 1: wrong number of fields"},
	{Name: "CSV row without check", In: csvHeader + ",1,us-east-1,,FAIL,untagged title,High\n",
		Want: "line 2: TITLE_ID: malformed input: missing"},
	// A CSV cut inside its last field cannot be told from a whole one;
	// cut earlier, the row is short.
	{Name: "CSV truncated in a quoted field", In: csvHeader + `,1,us-east-1,1.1,FAIL,"[check11] t`,
		Want: "line 2: malformed input: column 1: wrong number of fields"},
}

func TestParseBadInput(t *testing.T) {
	scantest.Refuses(t, Parse, badInputs)
}

func TestProwler3CSV(t *testing.T) {
	doc := "ASSESSMENT_START_TIME;FINDING_UNIQUE_ID;PROVIDER;CHECK_ID;CHECK_TITLE;STATUS;STATUS_EXTENDED;SEVERITY;ACCOUNT_ID;REGION;RESOURCE_ID;RESOURCE_ARN\n" +
		"2023-04-25T23:49:42.744599;prowler-aws-x;aws;s3_bucket_public_access;Check S3;FAIL;Bucket b is public;critical;111122223333;eu-west-1;b;arn:aws:s3:::b\n" +
		"2023-04-25T23:49:43;prowler-aws-y;aws;s3_bucket_versioning;Check versioning;PASS;ok;low;111122223333;eu-west-1;b;arn:aws:s3:::b\n"
	if !Sniff([]byte(doc)) {
		t.Error("Sniff does not claim a Prowler 3 CSV")
	}
	rep, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := &scan.Report{Tool: "prowler", Started: rep.Started,
		Targets: []scan.Target{{Kind: scan.TargetSource, Name: "111122223333"}},
		Results: []scan.Result{{Rule: "s3_bucket_public_access", Title: "Check S3", Severity: scan.SevCritical, ToolSeverity: "critical",
			Location: "arn:aws:s3:::b", Evidence: "Bucket b is public"}}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	scantest.SeedBad(f, badInputs)
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	scantest.BenchmarkSample(b, Parse, "prowler/many_vuln2.csv")
}
