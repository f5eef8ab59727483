package prowler

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/scantest"
)

func TestSharedSamples(t *testing.T) {
	tests := []struct {
		file       string
		results    int
		severities map[scan.Severity]int
		golden     bool
	}{
		// README: 214 rows, FAIL 42, PASS 84, INFO 88. PASS rows are no
		// results: 42 + 88 = 130. FAIL by check severity: Medium 30,
		// Informational 5, Low 3, High 3, Critical 1.
		{file: "many_vuln2.csv", results: 130, golden: true, severities: map[scan.Severity]int{
			scan.SevCritical: 1, scan.SevHigh: 3, scan.SevMedium: 30, scan.SevLow: 3, scan.SevInfo: 5 + 88}},
		{file: "many_vuln.json", results: 3, golden: true, severities: map[scan.Severity]int{
			scan.SevHigh: 1, scan.SevMedium: 1, scan.SevLow: 1}},
		{file: "many_vuln.ocsf.json", results: 3, golden: true, severities: map[scan.Severity]int{scan.SevHigh: 3}},
		{file: "no_vuln.ocsf.json", results: 0, golden: true, severities: map[scan.Severity]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := scantest.ParseFile(t, Parse, scantest.Shared(t, "prowler/"+tt.file))
			if got := len(rep.Results); got != tt.results {
				t.Errorf("%d results, want %d", got, tt.results)
			}
			got := map[scan.Severity]int{}
			for _, r := range rep.Results {
				got[r.Severity]++
			}
			if diff := cmp.Diff(tt.severities, got); diff != "" {
				t.Errorf("severities (-want +got):\n%s", diff)
			}
			if tt.golden {
				name := strings.TrimSuffix(strings.TrimSuffix(tt.file, ".json"), ".csv")
				scantest.Golden(t, filepath.Join("testdata", "golden", name+".golden.json"), rep)
			}
		})
	}
}

func TestSpotChecks(t *testing.T) {
	v2 := scantest.ParseFile(t, Parse, scantest.Shared(t, "prowler/many_vuln2.csv"))
	v3 := scantest.ParseFile(t, Parse, scantest.Shared(t, "prowler/many_vuln.json"))
	oc := scantest.ParseFile(t, Parse, scantest.Shared(t, "prowler/many_vuln.ocsf.json"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{
			name: "Prowler 2 CSV: the check id from the title, region as location",
			got:  v2.Results[0],
			want: scan.Result{Rule: "check13", Title: "Ensure credentials unused for 90 days or greater are disabled (Scored)",
				Severity: scan.SevMedium, ToolSeverity: "Medium", Location: "us-east-1",
				Description: "Risk: AWS IAM users can access AWS resources using different types of credentials (passwords or access keys). It is recommended that all credentials that have been unused in 90 or greater days be removed or deactivated.",
				Solution:    "Use the credential report to  ensure password_last_changed is less than 90 days ago.",
				Evidence:    "User example has never used access key 1 since creation and not rotated it in the past 90 days",
				References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html"}},
		},
		{
			name: "Prowler 2 CSV: an INFO row is info whatever the check's severity",
			got: func() any {
				for _, r := range v2.Results {
					if r.Rule == "check28" && r.ToolSeverity == "INFO" {
						return []any{r.Severity, r.Evidence}
					}
				}
				return nil
			}(),
			want: []any{scan.SevInfo, "eu-north-1: This region has no KMS keys"},
		},
		{
			name: "account targets",
			got:  []any{v2.Targets, v3.Targets, oc.Targets},
			want: []any{[]scan.Target{{Kind: scan.TargetSource, Name: "123456789012"}}, []scan.Target{{Kind: scan.TargetSource, Name: "999999999999"}},
				[]scan.Target{{Kind: scan.TargetSource, Name: "123456789012"}}},
		},
		{
			name: "Prowler 3 JSON: resource ARN, start time",
			got:  []any{v3.Results[0].Rule, v3.Results[0].Location, v3.Started.String()},
			want: []any{"acm_certificates_expiration_check", "arn:aws:acm:us-east-1:999999999999:certificate/ffffffff-0000-0000-0000-000000000000",
				"2023-04-25 23:49:42.744599 +0000 UTC"},
		},
		{
			name: "OCSF: event code as rule, product version",
			got:  []any{oc.Results[1].Rule, oc.Results[1].Location, oc.Results[1].Severity, oc.Version},
			want: []any{"iam_role_cross_account_readonlyaccess_policy", "arn:aws:iam::123456789012:role/AuditRole", scan.SevHigh, "4.2.1"},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

const csvHeader = "PROFILE,ACCOUNT_NUM,REGION,TITLE_ID,CHECK_RESULT,TITLE_TEXT,CHECK_SEVERITY\n"

var badInputs = []struct {
	name string
	doc  string
	want string
}{
	{name: "empty", doc: "",
		want: "malformed input: empty input: Prowler writes a JSON array or a CSV header even when it finds nothing"},
	{name: "malformed JSON", doc: `[{"CheckID":"x",}]`,
		want: "[0]: malformed input: invalid JSON after byte 1: invalid character '}' looking for beginning of object key string"},
	{name: "wrong top-level type", doc: `{"CheckID":"x"}`,
		want: "malformed input: got a JSON object, want a JSON array of Prowler findings or CSV"},
	{name: "element not an object", doc: `[1]`,
		want: "[0]: malformed input: got JSON number, want object"},
	{name: "neither shape", doc: `[{"id":"x"}]`,
		want: "[0]: malformed input: neither a Prowler finding (CheckID) nor an OCSF finding (finding_info)"},
	{name: "wrong-typed field deep in a finding", doc: `[{"CheckID":"acm_certificates_expiration_check","Remediation":{"Recommendation":{"Text":1}}}]`,
		want: "[0] acm_certificates_expiration_check: Remediation.Recommendation.Text: malformed input: got JSON number, want string"},
	{name: "wrong-typed OCSF resource", doc: `[{"metadata":{"event_code":"iam_x"},"finding_info":{},"resources":[{"uid":["arn"]}]}]`,
		want: "[0] iam_x: resources[0].uid: malformed input: got JSON array, want string"},
	{name: "OCSF without event code", doc: `[{"finding_info":{"uid":"x"}}]`,
		want: "[0]: metadata.event_code: malformed input: missing"},
	{name: "bad time", doc: `[{"CheckID":"c","AssessmentStartTime":"yesterday"}]`,
		want: `[0] c: AssessmentStartTime: malformed input: not a timestamp: "yesterday"`},
	{name: "NaN literal", doc: `[{"CheckID":NaN}]`,
		want: "[0]: malformed input: invalid JSON after byte 1: invalid character 'N' looking for beginning of value"},
	{name: "trailing garbage", doc: `[] []`,
		want: "malformed input: data after the report at byte 4"},
	{name: "truncated JSON", doc: `[{"CheckID":"c"`,
		want: "[0]: malformed input: truncated: unexpected end of input"},
	{name: "CSV without a check column", doc: "ACCOUNT_NUM,CHECK_RESULT\n1,FAIL\n",
		want: "line 1: malformed input: no check column (CHECK_ID or TITLE_ID): not a Prowler CSV"},
	{name: "CSV row of the wrong width", doc: csvHeader + ",1,us-east-1,1.1,FAIL,[check11] t,High\n,1,us-east-1,1.2,FAIL\n",
		want: "line 3: malformed input: column 1: wrong number of fields"},
	{name: "CSV row without check", doc: csvHeader + ",1,us-east-1,,FAIL,untagged title,High\n",
		want: "line 2: TITLE_ID: malformed input: missing"},
	// A CSV cut inside its last field cannot be told from a whole one;
	// cut earlier, the row is short.
	{name: "CSV truncated in a quoted field", doc: csvHeader + `,1,us-east-1,1.1,FAIL,"[check11] t`,
		want: "line 2: malformed input: column 1: wrong number of fields"},
}

func TestParseBadInput(t *testing.T) {
	for _, tt := range badInputs {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Parse(strings.NewReader(tt.doc))
			if err == nil {
				t.Fatalf("no error; report %+v", rep)
			}
			if rep != nil {
				t.Errorf("a report beside the error: %+v", rep)
			}
			if !errors.Is(err, feed.ErrFormat) {
				t.Errorf("error does not wrap feed.ErrFormat: %v", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
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
	for _, b := range badInputs {
		f.Add([]byte(b.doc))
	}
	seeds, _ := filepath.Glob("testdata/*.json")
	scantest.Fuzz(f, Parse, seeds...)
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(scantest.Shared(b, "prowler/many_vuln2.csv"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(130*b.N)/b.Elapsed().Seconds(), "results/s")
}
