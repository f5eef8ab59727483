// Package prowler reads the output of Prowler (github.com/prowler-cloud/prowler),
// the cloud security posture tool, into a scan.Report with Tool
// "prowler". Prowler's results are check outcomes (PASS, FAIL, INFO,
// MANUAL), not CVEs.
//
// # Input
//
// Three shapes, told apart by their first byte:
//   - Prowler 3's JSON: an array of findings (AssessmentStartTime,
//     FindingUniqueId, CheckID, Status, Severity, StatusExtended, Risk,
//     Remediation, AccountId, Region, ResourceId, ResourceArn, …).
//   - Prowler 4's JSON-OCSF: an array of OCSF 1.x Detection Findings
//     (metadata.event_code, status_code, severity, finding_info,
//     resources, cloud, remediation, risk_details). Each element's shape is
//     decided on its own, by CheckID or finding_info.
//   - CSV: Prowler 2's (comma-separated: ACCOUNT_NUM, REGION, TITLE_ID,
//     CHECK_RESULT, TITLE_TEXT "[check11] …", CHECK_RESULT_EXTENDED,
//     CHECK_SEVERITY, CHECK_RISK, CHECK_REMEDIATION, CHECK_DOC) or Prowler
//     3 and later's (semicolon-separated: ACCOUNT_ID/ACCOUNT_UID, CHECK_ID,
//     STATUS, SEVERITY, …), columns found by name. Quotes inside
//     unquoted fields are taken as they are (Prowler 2 writes them so), but
//     every row must have the header's number of fields.
//
// JSON findings and CSV rows are streamed; a JSON value over 64 MiB or a
// row over 1 MiB is refused. An empty input is an error (Prowler writes
// "[]" or a header when it finds nothing); so is trailing data after the
// array.
//
// # Mapping
//
// Prowler checks a cloud account: the account id (AccountId,
// cloud.account.uid, ACCOUNT_NUM) is the Target, one per account. scan has
// no kind for cloud accounts, so it is a source target, which vmc keeps as
// an application matched by name; the resource a finding is about is its
// Location.
//
// One Result per finding or row, except PASS, which says a check found
// nothing:
//   - Rule the check id ("acm_certificates_expiration_check"; Prowler 2's
//     "check11" from the "[check11]" in front of the title, TITLE_ID being
//     the CIS section number), Title the check's title.
//   - Location the resource ARN, else its id or name, else the region.
//   - Description the check's description, with its risk after "Risk:".
//   - Solution the remediation text; Evidence the extended status ("User
//     example has never used access key 1 …").
//   - References the related URL and the remediation URL(s).
//
// Started is the earliest assessment or finding time; Version the OCSF
// product version.
//
// # Severity
//
// A FAIL takes the check's severity; any other outcome kept (INFO,
// MANUAL) is info, with the outcome as ToolSeverity.
//
//	Prowler severity         vmc
//	critical                 critical
//	high                     high
//	medium                   medium
//	low                      low
//	informational            info
//	(status INFO, MANUAL)    info
//	other                    unknown
//
// # Errors
//
// A finding that cannot be read is a *feed.RecordError naming it by
// position ("[2]") or CSV line ("line 12") and check and the field or
// column at fault:
//
//	[0] acm_certificates_expiration_check: Remediation.Recommendation.Text: malformed input: got JSON number, want string
package prowler
