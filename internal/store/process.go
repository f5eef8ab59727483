package store

import (
	"context"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/process"
)

// Process keeps the incident response process and its people (package
// incident/process): versioned playbooks, the response team roster,
// training records, stakeholder briefings and the periodic reviews of
// the process, with their schedule; and, on incidents, the playbook
// version followed and the impact. Every write is in the audit log as
// actor's, in the same transaction. Playbook versions, trainings,
// briefings and reviews are kept as recorded: the store never changes or
// deletes them.
type Process interface {
	// PutPlaybook stores p as a new version of the playbook p.Key (the
	// first when there is none) and returns it with its version, who made
	// it and when. A playbook that says the same as its latest version
	// (process.SameContent) makes no new version: the latest is
	// returned, and nothing is written.
	PutPlaybook(ctx context.Context, p process.Playbook, actor string) (process.Playbook, error)
	// Playbook returns a version of a playbook; version 0 is the latest.
	Playbook(ctx context.Context, key string, version int) (process.Playbook, error)
	// PlaybookVersions returns every version of a playbook, oldest first.
	PlaybookVersions(ctx context.Context, key string) ([]process.Playbook, error)
	// ListPlaybooks returns the latest version of every playbook, by key.
	ListPlaybooks(ctx context.Context) ([]process.Playbook, error)

	// FollowPlaybook records that an incident follows a playbook version
	// (f.Playbook.Version 0: the latest), on its timeline as a
	// classification event. With f.Tasks, it also adds the response
	// tasks of the version's steps (process.Playbook.Tasks) in f.Lang,
	// each owned by the first active roster member holding the step's
	// role, else by the incident's owner, else by actor; a step whose
	// task the incident already has (by its link) is skipped, so
	// following twice adds nothing twice. It returns the incident and
	// the tasks added.
	FollowPlaybook(ctx context.Context, incidentID int64, f Follow, actor string) (incident.Incident, []incident.Task, error)
	// SetImpact records an incident's impact (see incident.Impact) and,
	// when projects is not nil, the projects it affected
	// (incident.Incident.Projects), on its timeline as a classification
	// event with reason.
	SetImpact(ctx context.Context, incidentID int64, im incident.Impact, projects []string, actor, reason string) (incident.Incident, error)

	// PutMember adds a member to the roster (ID 0) or changes one, and
	// returns it as stored. A member who is a vmc user must be one; with
	// no name, they are named as their user is.
	PutMember(ctx context.Context, m process.Member, actor string) (process.Member, error)
	Member(ctx context.Context, id int64) (process.Member, error)
	// ListMembers returns the roster entries q selects, by name.
	ListMembers(ctx context.Context, q MemberQuery) ([]process.Member, error)

	// AddTraining records a member's training on a playbook version that
	// exists.
	AddTraining(ctx context.Context, t process.Training, actor string) (process.Training, error)
	// ListTrainings returns the trainings of one member (member 0: of
	// everyone), oldest first.
	ListTrainings(ctx context.Context, member int64) ([]process.Training, error)

	// AddBriefing records a briefing. A briefing on a playbook names a
	// version that exists; version 0 is recorded as the latest.
	AddBriefing(ctx context.Context, b process.Briefing, actor string) (process.Briefing, error)
	// ListBriefings returns the briefings q selects, oldest first.
	ListBriefings(ctx context.Context, q BriefingQuery) ([]process.Briefing, error)
	// Teams returns every team the organisation has: those named on
	// assets and on users, as the API's team list counts them.
	Teams(ctx context.Context) ([]string, error)
	// BriefingCoverage returns which teams were briefed within [from,
	// to) (process.CoverageOf over Teams and the briefings).
	BriefingCoverage(ctx context.Context, from, to time.Time) (process.Coverage, error)

	// AddReview records a periodic review of the process, by actor.
	AddReview(ctx context.Context, r process.Review, actor string) (process.Review, error)
	// ListReviews returns the reviews, latest held first.
	ListReviews(ctx context.Context) ([]process.Review, error)
	// ReviewSchedule returns the review schedule, process.DefaultSchedule
	// when none is stored.
	ReviewSchedule(ctx context.Context) (process.Schedule, error)
	// PutReviewSchedule stores the review schedule.
	PutReviewSchedule(ctx context.Context, s process.Schedule, actor string) (process.Schedule, error)
}

// Follow is how an incident follows a playbook.
type Follow struct {
	Playbook incident.PlaybookRef
	// Tasks adds the response tasks of the playbook's steps.
	Tasks bool
	// Lang is the language of the tasks' titles: "en" (the default) or
	// "zh-CN".
	Lang string
}

// MemberQuery selects roster entries. The zero value lists everyone who
// was ever on the roster.
type MemberQuery struct {
	// ActiveOn keeps those on the team at that time.
	ActiveOn time.Time
	Role     process.Role
}

// BriefingQuery selects briefings. The zero value lists every briefing.
type BriefingQuery struct {
	// From and To bound when they were held (from inclusive, to
	// exclusive).
	From, To time.Time
	// Team keeps the briefings of one audience, ignoring case.
	Team string
}

// TrainingObligations works out at now who must be trained on which
// playbook, and who is overdue (process.Obligations over the roster,
// the latest playbook versions and every training).
func TrainingObligations(ctx context.Context, s Process, pol process.TrainingPolicy, now time.Time) ([]process.Obligation, error) {
	members, err := s.ListMembers(ctx, MemberQuery{ActiveOn: now})
	if err != nil {
		return nil, err
	}
	playbooks, err := s.ListPlaybooks(ctx)
	if err != nil {
		return nil, err
	}
	trainings, err := s.ListTrainings(ctx, 0)
	if err != nil {
		return nil, err
	}
	return process.Obligations(members, playbooks, trainings, pol, now), nil
}

// NextReview works out at now when the next review of the process is
// due (process.NextReview over the stored schedule and reviews).
func NextReview(ctx context.Context, s Process, now time.Time) (process.ReviewDue, error) {
	sched, err := s.ReviewSchedule(ctx)
	if err != nil {
		return process.ReviewDue{}, err
	}
	reviews, err := s.ListReviews(ctx)
	if err != nil {
		return process.ReviewDue{}, err
	}
	return process.NextReview(sched, reviews, now), nil
}
