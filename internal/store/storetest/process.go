package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/process"
	"github.com/vmc-dev/vmc/internal/store"
)

// ransomwarePlaybook is a short playbook of three steps, in NIST SP
// 800-61r2's phases.
func ransomwarePlaybook() process.Playbook {
	text := func(en, zh string) process.Bilingual { return process.Bilingual{EN: en, ZH: zh} }
	return process.Playbook{
		Key: "ransomware", Title: text("Ransomware", "勒索软件"), Categories: []incident.Category{incident.Malware},
		Steps: []process.Step{
			{Phase: process.ContainmentEradicationRecovery, Role: "incident-handler", Task: incident.TaskContainment,
				Title: text("Isolate the encrypted hosts", "隔离被加密的主机"), Description: text("Pull them off the network; keep them powered on.", "断开网络，保持开机。")},
			{Phase: process.ContainmentEradicationRecovery, Role: "forensic-analyst", Task: incident.TaskOther,
				Title: text("Image the encrypted hosts", "为被加密的主机制作镜像"), Description: text("Disk and memory, before anything is restored.", "在恢复之前制作磁盘和内存镜像。")},
			{Phase: process.ContainmentEradicationRecovery, Role: "system-owner", Task: incident.TaskRecovery,
				Title: text("Restore from offline backups", "从离线备份恢复"), Description: text("Restore after the backups are scanned.", "备份扫描后再恢复。")},
			{Phase: process.PostIncident, Role: "incident-commander",
				Title: text("Report to the regulator if data left", "如有数据外泄，向监管机构报告"), Description: text("Within the jurisdiction's deadline.", "在规定时限内。")},
		},
	}
}

// testProcess keeps a playbook through two versions, a roster, its
// trainings and who is due, briefings and which teams they covered,
// reviews on their schedule, and an incident that follows the playbook
// and records its impact; every write in the audit log as its author's.
func testProcess(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()

	// Playbooks: versions, kept as they were.
	pb := ransomwarePlaybook()
	if _, err := s.PutPlaybook(ctx, pb, ""); !errors.Is(err, process.ErrInvalid) {
		t.Errorf("a playbook nobody wrote: %v", err)
	}
	bad := ransomwarePlaybook()
	bad.Steps[1].Role = "System Owner"
	if _, err := s.PutPlaybook(ctx, bad, "alice"); !errors.Is(err, process.ErrInvalid) || !strings.Contains(err.Error(), "steps[1].role") {
		t.Errorf("an invalid playbook: %v", err)
	}
	pb.Version, pb.Note = 9, "first version" // the store numbers versions
	v1, err := s.PutPlaybook(ctx, pb, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || v1.CreatedBy != "alice" || !v1.Created.Equal(c.now()) || pb.Version != 9 {
		t.Errorf("v1: %d by %s at %s (input version %d)", v1.Version, v1.CreatedBy, v1.Created, pb.Version)
	}
	c.tick()
	pb.Note = "the same again"
	if again, err := s.PutPlaybook(ctx, pb, "bob"); err != nil || !cmp.Equal(again, v1) {
		t.Errorf("an unchanged playbook made a version: %+v, %v", again, err)
	}
	pb.Steps[2].Description.EN = "Restore only after the backups are scanned for the ransomware's loader."
	pb.Note = "scan backups for the loader"
	v2, err := s.PutPlaybook(ctx, pb, "bob")
	if err != nil || v2.Version != 2 || v2.CreatedBy != "bob" {
		t.Fatalf("v2: %+v, %v", v2, err)
	}
	if got, err := s.Playbook(ctx, "ransomware", 1); err != nil || !cmp.Equal(got, v1) {
		t.Errorf("v1 read back -put +got:\n%s (%v)", cmp.Diff(v1, got), err)
	}
	if got, err := s.Playbook(ctx, "ransomware", 0); err != nil || !cmp.Equal(got, v2) {
		t.Errorf("latest -v2 +got:\n%s (%v)", cmp.Diff(v2, got), err)
	}
	if vs, err := s.PlaybookVersions(ctx, "ransomware"); err != nil || len(vs) != 2 || vs[0].Version != 1 || vs[1].Version != 2 {
		t.Errorf("versions: %+v, %v", vs, err)
	}
	for _, tc := range []struct {
		key     string
		version int
	}{{"ransomware", 3}, {"phishing", 0}, {"phishing", 1}} {
		if _, err := s.Playbook(ctx, tc.key, tc.version); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("playbook %s v%d: %v", tc.key, tc.version, err)
		}
	}
	if _, err := s.PlaybookVersions(ctx, "phishing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("versions of no playbook: %v", err)
	}
	phishing := ransomwarePlaybook()
	phishing.Key, phishing.Categories = "phishing", nil
	phishing.Title = process.Bilingual{EN: "Phishing", ZH: "网络钓鱼"}
	phishing.Steps = phishing.Steps[:1]
	if _, err := s.PutPlaybook(ctx, phishing, "alice"); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListPlaybooks(ctx)
	var latest []string
	for _, p := range list {
		latest = append(latest, fmt.Sprintf("%s v%d", p.Key, p.Version))
	}
	if err != nil || !cmp.Equal(latest, []string{"phishing v1", "ransomware v2"}) {
		t.Errorf("latest playbooks: %q, %v", latest, err)
	}

	// The roster: users and external people.
	c.tick()
	if _, err := s.PutMember(ctx, process.Member{User: "liwei", Role: "incident-handler", From: c.now()}, "alice"); !errors.Is(err, process.ErrInvalid) ||
		!strings.Contains(err.Error(), `user: no vmc user "liwei"`) {
		t.Errorf("a member who is no user: %v", err)
	}
	if _, err := s.PutUser(ctx, auth.User{Name: "liwei", Display: "Li Wei", Role: auth.Analyst, Teams: []string{"payments"}}, "", "admin"); err != nil {
		t.Fatal(err)
	}
	joined := time.Date(2025, 3, 1, 15, 30, 0, 0, time.UTC)
	liwei, err := s.PutMember(ctx, process.Member{User: "liwei", Role: "incident-handler", Contact: "+86 138 0000 0000", Team: "payments", From: joined}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if liwei.ID == 0 || liwei.Name != "Li Wei" || !liwei.From.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("member named from the user, joined on a day: %+v", liwei)
	}
	forensics, err := s.PutMember(ctx, process.Member{Name: "Wang Fang", Organisation: "Acme Forensics Ltd", Role: "forensic-analyst",
		Contact: "ir@acme-forensics.example", From: joined}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	owner, err := s.PutMember(ctx, process.Member{Name: "Zhao Lei", Role: "system-owner", From: joined}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	// Outside counsel, whose lower-case name the stores list after the
	// capitals, as Go orders bytes, whatever the database's collation.
	if _, err := s.PutMember(ctx, process.Member{Name: "de Groot", Organisation: "De Groot & Partners", Role: "legal", From: joined}, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutMember(ctx, process.Member{Name: "x", Role: "Incident Handler", From: joined}, "alice"); !errors.Is(err, process.ErrInvalid) {
		t.Errorf("a bad role: %v", err)
	}
	if _, err := s.PutMember(ctx, process.Member{ID: 99, Name: "x", Role: "legal", From: joined}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("changing no member: %v", err)
	}
	c.tick()
	left := owner
	left.To = time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	if owner, err = s.PutMember(ctx, left, "alice"); err != nil || !owner.To.Equal(time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("member left: %+v, %v", owner, err)
	}
	if again, err := s.PutMember(ctx, owner, "bob"); err != nil || again != owner {
		t.Errorf("an unchanged member: %+v, %v", again, err)
	}
	if got, err := s.Member(ctx, forensics.ID); err != nil || got != forensics {
		t.Errorf("member read back -put +got:\n%s (%v)", cmp.Diff(forensics, got), err)
	}
	if _, err := s.Member(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no member: %v", err)
	}
	for _, tc := range []struct {
		q    store.MemberQuery
		want []string
	}{
		{store.MemberQuery{}, []string{"Li Wei", "Wang Fang", "Zhao Lei", "de Groot"}},
		{store.MemberQuery{ActiveOn: c.now()}, []string{"Li Wei", "Wang Fang", "de Groot"}},
		{store.MemberQuery{ActiveOn: time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)}, []string{"Li Wei", "Wang Fang", "Zhao Lei", "de Groot"}},
		{store.MemberQuery{ActiveOn: time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC)}, nil},
		{store.MemberQuery{Role: "forensic-analyst"}, []string{"Wang Fang"}},
	} {
		ms, err := s.ListMembers(ctx, tc.q)
		var got []string
		for _, m := range ms {
			got = append(got, m.Name)
		}
		if err != nil || !cmp.Equal(got, tc.want) {
			t.Errorf("ListMembers(%+v) = %q, %v; want %q", tc.q, got, err, tc.want)
		}
	}

	// Trainings, and who is due.
	c.tick()
	trained := time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		t    process.Training
		err  error
	}{
		{"no member", process.Training{Member: 99, Playbook: v1.Ref(), On: trained, Trainer: "alice"}, store.ErrNotFound},
		{"no such version", process.Training{Member: liwei.ID, Playbook: incident.PlaybookRef{Key: "ransomware", Version: 3}, On: trained, Trainer: "alice"}, store.ErrNotFound},
		{"no trainer", process.Training{Member: liwei.ID, Playbook: v1.Ref(), On: trained}, process.ErrInvalid},
	} {
		if _, err := s.AddTraining(ctx, tc.t, "alice"); !errors.Is(err, tc.err) {
			t.Errorf("training with %s: %v", tc.name, err)
		}
	}
	t1, err := s.AddTraining(ctx, process.Training{Member: liwei.ID, Playbook: v1.Ref(), On: trained, Trainer: "alice", Note: "tabletop"}, "alice")
	if err != nil || t1.ID == 0 || !t1.On.Equal(time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("training: %+v, %v", t1, err)
	}
	t2, err := s.AddTraining(ctx, process.Training{Member: forensics.ID, Playbook: v2.Ref(), On: c.now(), Trainer: "alice"}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if ts, err := s.ListTrainings(ctx, liwei.ID); err != nil || !cmp.Equal(ts, []process.Training{t1}) {
		t.Errorf("Li Wei's trainings: %+v, %v", ts, err)
	}
	if ts, err := s.ListTrainings(ctx, 0); err != nil || !cmp.Equal(ts, []process.Training{t1, t2}) {
		t.Errorf("all trainings: %+v, %v", ts, err)
	}
	if _, err := s.ListTrainings(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("trainings of no member: %v", err)
	}
	obs, err := store.TrainingObligations(ctx, s, process.DefaultTrainingPolicy, c.now())
	if err != nil {
		t.Fatal(err)
	}
	var due []string
	for _, o := range obs {
		due = append(due, fmt.Sprintf("%s %s %s", o.Member.Name, o.Playbook, o.State))
	}
	// Li Wei was trained on v1 only, and v2 was made today: he has 30
	// days. Wang Fang was trained on v2 today. Zhao Lei has left.
	if want := []string{"Li Wei phishing v1 due", "Li Wei ransomware v2 due", "Wang Fang ransomware v2 current"}; !cmp.Equal(due, want) {
		t.Errorf("obligations: %q, want %q", due, want)
	}

	// Briefings, and the teams they covered.
	for _, a := range []asset.Asset{{Name: "pay-api", Kind: asset.KindApplication, Team: "payments"}, {Name: "shop-web", Kind: asset.KindApplication, Team: "web"},
		{Name: "build-01", Kind: asset.KindHost}} {
		if _, err := s.PutAsset(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PutUser(ctx, auth.User{Name: "mei", Role: auth.Owner, Teams: []string{"data", "web"}}, "", "admin"); err != nil {
		t.Fatal(err)
	}
	if teams, err := s.Teams(ctx); err != nil || !cmp.Equal(teams, []string{"data", "payments", "web"}) {
		t.Errorf("teams: %q, %v", teams, err)
	}
	c.tick()
	held := time.Date(2026, 9, 10, 6, 30, 0, 123456789, time.UTC)
	if _, err := s.AddBriefing(ctx, process.Briefing{At: held, Team: "web", Playbook: &incident.PlaybookRef{Key: "ddos"}, By: "alice"}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a briefing on no playbook: %v", err)
	}
	if _, err := s.AddBriefing(ctx, process.Briefing{At: held, Team: "web"}, "alice"); !errors.Is(err, process.ErrInvalid) {
		t.Errorf("a briefing nobody gave: %v", err)
	}
	onLatest := &incident.PlaybookRef{Key: "ransomware"}
	b1, err := s.AddBriefing(ctx, process.Briefing{At: held, Team: "Payments", Playbook: onLatest, Attendees: []string{"Zhang San", "Li Si"},
		Notes: "Who to call out of hours.", By: "alice"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if b1.ID == 0 || *b1.Playbook != v2.Ref() || onLatest.Version != 0 || !b1.At.Equal(held.Truncate(time.Microsecond)) {
		t.Errorf("briefing on the latest version: %+v (input %+v)", b1, onLatest)
	}
	b2, err := s.AddBriefing(ctx, process.Briefing{At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Team: "web", By: "bob"}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	b3, err := s.AddBriefing(ctx, process.Briefing{At: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC), Team: "marketing", By: "bob",
		Playbook: &incident.PlaybookRef{Key: "ransomware", Version: 1}}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    store.BriefingQuery
		want []process.Briefing
	}{
		{store.BriefingQuery{}, []process.Briefing{b2, b1, b3}},
		{store.BriefingQuery{From: time.Date(2026, 9, 10, 6, 30, 0, 123456000, time.UTC)}, []process.Briefing{b1, b3}},
		{store.BriefingQuery{To: time.Date(2026, 9, 10, 6, 30, 0, 123456000, time.UTC)}, []process.Briefing{b2}},
		{store.BriefingQuery{Team: "payments"}, []process.Briefing{b1}},
	} {
		if got, err := s.ListBriefings(ctx, tc.q); err != nil || !cmp.Equal(got, tc.want) {
			t.Errorf("ListBriefings(%+v) -want +got:\n%s (%v)", tc.q, cmp.Diff(tc.want, got), err)
		}
	}
	sixMonths := time.Date(2026, 5, 23, 0, 0, 0, 0, time.UTC)
	cov, err := s.BriefingCoverage(ctx, sixMonths, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if cov.Percent < 33.3 || cov.Percent > 33.4 || !cmp.Equal(cov.Briefed, []string{"payments"}) || !cmp.Equal(cov.Unbriefed, []string{"data", "web"}) ||
		!cmp.Equal(cov.Unknown, []string{"marketing"}) || !cov.From.Equal(sixMonths) {
		t.Errorf("coverage: %+v", cov)
	}

	// Reviews on their schedule.
	if sch, err := s.ReviewSchedule(ctx); err != nil || sch != process.DefaultSchedule {
		t.Errorf("default schedule: %+v, %v", sch, err)
	}
	if d, err := store.NextReview(ctx, s, c.now()); err != nil || !d.Overdue || d.Last != nil {
		t.Errorf("no review yet: %+v, %v", d, err)
	}
	if _, err := s.PutReviewSchedule(ctx, process.Schedule{EveryMonths: 12}, "admin"); !errors.Is(err, process.ErrInvalid) {
		t.Errorf("a yearly review: %v", err)
	}
	c.tick()
	sch, err := s.PutReviewSchedule(ctx, process.Schedule{EveryMonths: 3, Start: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}, "admin")
	if err != nil || sch.Start != time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("quarterly: %+v, %v", sch, err)
	}
	if got, err := s.ReviewSchedule(ctx); err != nil || got != sch {
		t.Errorf("schedule read back: %+v, %v", got, err)
	}
	if _, err := s.AddReview(ctx, process.Review{On: c.now(), Findings: "x", Decisions: "y"}, "alice"); !errors.Is(err, process.ErrInvalid) {
		t.Errorf("a review with nobody: %v", err)
	}
	r1, err := s.AddReview(ctx, process.Review{On: time.Date(2026, 8, 31, 15, 0, 0, 0, time.UTC), Participants: []string{"alice", "ciso"},
		Findings: "One incident (ransomware on build-01); restore took 3 days.", Decisions: "Keep offline backups of build agents."}, "alice")
	if err != nil || r1.RecordedBy != "alice" || r1.On != time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("review: %+v, %v", r1, err)
	}
	r0, err := s.AddReview(ctx, process.Review{On: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC), Participants: []string{"alice"},
		Findings: "Recorded late.", Decisions: "None."}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if rs, err := s.ListReviews(ctx); err != nil || !cmp.Equal(rs, []process.Review{r1, r0}) {
		t.Errorf("reviews, latest held first -want +got:\n%s (%v)", cmp.Diff([]process.Review{r1, r0}, rs), err)
	}
	d, err := store.NextReview(ctx, s, c.now())
	if err != nil || d.Last == nil || d.Last.ID != r1.ID || d.Next != time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) || d.Overdue {
		t.Errorf("next review: %+v, %v", d, err)
	}

	// An incident follows the playbook and records its impact.
	c.tick()
	rep := incident.Incident{Title: "Ransomware on build-01", Category: incident.Malware, Severity: incident.SevHigh, Owner: "alice",
		Marking: incident.Marking{TLP: incident.Amber}, Detected: c.now(), Impact: &incident.Impact{PersonHours: 1}}
	if _, err := s.PutIncident(ctx, rep, "alice"); !errors.Is(err, incident.ErrInvalid) {
		t.Errorf("an incident reported with its impact: %v", err)
	}
	rep.Impact = nil
	in, err := s.PutIncident(ctx, rep, "alice")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    store.Follow
		err  error
	}{
		{"no such playbook", store.Follow{Playbook: incident.PlaybookRef{Key: "ddos"}}, store.ErrNotFound},
		{"no such version", store.Follow{Playbook: incident.PlaybookRef{Key: "ransomware", Version: 7}}, store.ErrNotFound},
		{"a language vmc does not speak", store.Follow{Playbook: v1.Ref(), Lang: "fr"}, incident.ErrInvalid},
	} {
		if _, _, err := s.FollowPlaybook(ctx, in.ID, tc.f, "alice"); !errors.Is(err, tc.err) {
			t.Errorf("following %s: %v", tc.name, err)
		}
	}
	if _, _, err := s.FollowPlaybook(ctx, 99, store.Follow{Playbook: v1.Ref()}, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no incident following: %v", err)
	}
	c.tick()
	in, added, err := s.FollowPlaybook(ctx, in.ID, store.Follow{Playbook: v1.Ref()}, "alice")
	if err != nil || in.Playbook == nil || *in.Playbook != v1.Ref() || len(added) != 0 {
		t.Fatalf("following v1: %+v %+v, %v", in.Playbook, added, err)
	}
	c.tick()
	in, added, err = s.FollowPlaybook(ctx, in.ID, store.Follow{Playbook: incident.PlaybookRef{Key: "ransomware"}, Tasks: true, Lang: "zh-CN"}, "bob")
	if err != nil || *in.Playbook != v2.Ref() {
		t.Fatalf("following the latest: %+v, %v", in.Playbook, err)
	}
	var tasks []string
	for _, x := range added {
		tasks = append(tasks, fmt.Sprintf("%s %s %s %s", x.Kind, x.Owner, x.Link, x.Title))
	}
	// The incident handler is Li Wei, a user, named by his user name; the
	// forensic analyst is external, named by her name; the system owner
	// has left, so the incident's owner has the recovery; the last step
	// is no task.
	if want := []string{"containment liwei playbook:ransomware/v2#1 隔离被加密的主机", "other Wang Fang playbook:ransomware/v2#2 为被加密的主机制作镜像",
		"recovery alice playbook:ransomware/v2#3 从离线备份恢复"}; !cmp.Equal(tasks, want) {
		t.Errorf("tasks from the steps: %q, want %q", tasks, want)
	}
	if _, again, err := s.FollowPlaybook(ctx, in.ID, store.Follow{Playbook: v2.Ref(), Tasks: true}, "bob"); err != nil || len(again) != 0 {
		t.Errorf("following again added %+v, %v", again, err)
	}
	if ts, err := s.ListTasks(ctx, in.ID); err != nil || !cmp.Equal(ts, added) {
		t.Errorf("the incident's tasks -added +got:\n%s (%v)", cmp.Diff(added, ts), err)
	}

	c.tick()
	im := incident.Impact{DowntimeMinutes: 3 * 24 * 60, DirectCost: &incident.Money{Amount: 86000, Currency: "CNY"}, PersonHours: 64.5,
		LongTermCost: &incident.Estimate{Money: incident.Money{Amount: 0, Currency: "CNY"}, Note: "no data left; no customer saw it"}}
	badImpact := im
	badImpact.DirectCost = &incident.Money{Amount: 1, Currency: "rmb"}
	if _, err := s.SetImpact(ctx, in.ID, badImpact, nil, "alice", ""); !errors.Is(err, incident.ErrInvalid) || !strings.Contains(err.Error(), "impact.direct_cost.currency") {
		t.Errorf("a bad currency: %v", err)
	}
	if _, err := s.SetImpact(ctx, in.ID, im, []string{"ci", "ci"}, "alice", ""); !errors.Is(err, incident.ErrInvalid) || !strings.Contains(err.Error(), "projects[1]") {
		t.Errorf("a project twice: %v", err)
	}
	if _, err := s.SetImpact(ctx, 99, im, nil, "alice", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("impact of no incident: %v", err)
	}
	in, err = s.SetImpact(ctx, in.ID, im, []string{"ci-platform"}, "alice", "from the finance team's figures")
	if err != nil || !cmp.Equal(*in.Impact, im) || !cmp.Equal(in.Projects, []string{"ci-platform"}) {
		t.Fatalf("impact: %+v %q, %v", in.Impact, in.Projects, err)
	}
	im.DirectCost.Amount = 1 // the store keeps its own copy
	if again, err := s.SetImpact(ctx, in.ID, *in.Impact, nil, "alice", ""); err != nil || !cmp.Equal(again, in) {
		t.Errorf("an unchanged impact: %+v, %v", again, err)
	}
	c.tick()
	renamed := in
	renamed.Title, renamed.Impact, renamed.Playbook = "Ransomware on build-01 and build-02", nil, nil
	if in, err = s.PutIncident(ctx, renamed, "alice"); err != nil || in.Impact == nil || in.Impact.DirectCost.Amount != 86000 || in.Playbook == nil {
		t.Errorf("an update keeps the impact and the playbook: %+v, %v", in, err)
	}
	if got, err := s.Incident(ctx, in.ID); err != nil || !cmp.Equal(got, in) {
		t.Errorf("incident read back -want +got:\n%s (%v)", cmp.Diff(in, got), err)
	}
	tl, err := s.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tl {
		lines = append(lines, e.Actor+" "+string(e.Kind)+" "+e.Text)
	}
	wantLines := []string{
		"alice state reported: Ransomware on build-01 (malware, high, TLP:AMBER)",
		"alice classification playbook - → ransomware v1",
		"bob classification playbook ransomware v1 → ransomware v2",
		"bob task task 1 added: 隔离被加密的主机 (containment, owner liwei, playbook:ransomware/v2#1)",
		"bob task task 2 added: 为被加密的主机制作镜像 (other, owner Wang Fang, playbook:ransomware/v2#2)",
		"bob task task 3 added: 从离线备份恢复 (recovery, owner alice, playbook:ransomware/v2#3)",
		"alice classification impact: downtime 72h0m0s, direct cost 86000 CNY, 64.5 person-hours, long-term cost 0 CNY (no data left; no customer saw it); projects: ci-platform (from the finance team's figures)",
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("timeline -want +got:\n%s", diff)
	}

	// Every write is in the audit log.
	for object, want := range map[string][]string{
		"playbook:ransomware":                   {"alice playbook.version", "bob playbook.version"},
		"playbook:phishing":                     {"alice playbook.version"},
		fmt.Sprintf("member:%d", liwei.ID):      {"alice roster.add", "alice training.record"},
		fmt.Sprintf("member:%d", owner.ID):      {"alice roster.add", "alice roster.update"},
		fmt.Sprintf("member:%d", forensics.ID):  {"alice roster.add", "bob training.record"},
		fmt.Sprintf("briefing:%d", b1.ID):       {"alice briefing.record"},
		fmt.Sprintf("process-review:%d", r0.ID): {"bob process.review"},
		"process-review:schedule":               {"admin process.review.schedule"},
		fmt.Sprintf("incident:%d", in.ID): {"alice incident.create", "alice incident.playbook", "bob incident.playbook",
			"bob incident.task.create", "bob incident.task.create", "bob incident.task.create", "alice incident.impact", "alice incident.update"},
	} {
		es, err := s.AuditOf(ctx, object)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Actor+" "+e.Action)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("audit of %s -want +got:\n%s", object, diff)
		}
	}
	verifyAudit(t, s)
}
