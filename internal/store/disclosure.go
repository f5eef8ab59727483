package store

import (
	"context"
	"time"

	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/incident"
)

// Disclosures keeps vulnerability reports from outside the organisation
// (package disclosure) and their logs. Every write is in the audit log,
// under the object "disclosure:<id>", in the same transaction, as actor's
// (the reporter's own as Report.Actor()); every change is on the
// report's log too. The store enforces the rules that depend on what is
// stored: state moves (disclosure.CheckMove), who may write as the
// reporter.
//
// The audit log is immutable and read by auditors of every kind, so the
// store keeps the reporter's identity and the report's description out
// of it: they are personal data and vulnerability detail, and the audit
// log records decisions, which it keeps whole.
type Disclosures interface {
	// SubmitReport takes a report from outside: it is received now, with
	// p's deadlines and a new acknowledgement code, and its status
	// link's secret has the public id statusID and the hash statusHash
	// (auth.NewStatusToken). The secret itself is never given to the
	// store. actor is who takes it in: "" for the reporter, through the
	// intake, or the user who enters a report that came another way (an
	// e-mail to security@).
	SubmitReport(ctx context.Context, sub disclosure.Submission, p disclosure.Policy, statusID, statusHash, actor string) (disclosure.Report, error)
	Report(ctx context.Context, id int64) (disclosure.Report, error)
	// ReportByCode returns the report with an acknowledgement code.
	ReportByCode(ctx context.Context, code string) (disclosure.Report, error)
	// ReportByStatus returns the report whose status link has the public
	// id statusID, and the hash of the link's secret for the caller to
	// check (auth.CheckTokenSecret).
	ReportByStatus(ctx context.Context, statusID string) (disclosure.Report, string, error)
	// ListReports returns the reports q selects, newest first.
	ListReports(ctx context.Context, q ReportQuery) ([]disclosure.Report, error)
	// MoveReport moves a report to another state (Report.Move), checked
	// against its state as stored, and puts the move with its reason on
	// its log. duplicateOf names the earlier report a duplicate repeats
	// (0: none, or something known outside vmc, which reason says).
	MoveReport(ctx context.Context, id int64, to disclosure.State, reason string, duplicateOf int64, actor string) (disclosure.Report, error)
	// SetReportDeadline moves one of a report's deadlines to at, for
	// reason, which is required.
	SetReportDeadline(ctx context.Context, id int64, d disclosure.Deadline, at time.Time, reason, actor string) (disclosure.Report, error)
	// MarkReport changes a report's TLP label, for reason.
	MarkReport(ctx context.Context, id int64, tlp incident.TLP, reason, actor string) (disclosure.Report, error)
	// CreditReport confirms the reporter's credit, under name ("": the
	// name they gave).
	CreditReport(ctx context.Context, id int64, name, actor string) (disclosure.Report, error)
	// AddReportEvent appends a message or note to a report's log (At
	// zero: now) and returns it with its id: from the reporter
	// (EventReporter, whose actor must be the report's Actor), to them
	// (EventReply), or the team's own (EventNote).
	AddReportEvent(ctx context.Context, id int64, e disclosure.Event) (disclosure.Event, error)
	// ReportEvents returns a report's log, oldest first.
	ReportEvents(ctx context.Context, id int64) ([]disclosure.Event, error)
	// LinkReport links a report to the incident it is handled in.
	LinkReport(ctx context.Context, id, incidentID int64, actor string) (disclosure.Report, error)
	// ReportToIncident makes a report an incident: in one transaction it
	// reports in (as PutIncident) and links the report to it.
	ReportToIncident(ctx context.Context, id int64, in incident.Incident, actor string) (disclosure.Report, incident.Incident, error)
}

// ReportQuery selects reports. The zero value lists every report.
type ReportQuery struct {
	State disclosure.State
	Open  bool // only reports still open (State.Open)
	// OverdueAt keeps reports that have missed a deadline at that time
	// (Report.Overdue).
	OverdueAt time.Time
}
