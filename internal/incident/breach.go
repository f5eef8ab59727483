package incident

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // deadlines are computed in each jurisdiction's zone, wherever vmc runs
	"unicode/utf8"
)

// Personal data breaches. An incident involving personal data
// (Incident.PersonalData) says which kinds (DataCategories), how many
// people (DataSubjects) and under which laws (Jurisdictions); each law
// sets a deadline to notify its regulator (DeadlineRule), counted from
// when the organisation became aware of the breach (Incident.Aware).
// Management's decision for each jurisdiction — notify or not, who, when,
// why, the regulator's reference — is a BreachDecision, and Obligations
// says where each deadline stands.

// DataCategory is a kind of personal data.
type DataCategory string

const (
	DataContact        DataCategory = "contact"        // names, addresses, e-mail, telephone
	DataIdentity       DataCategory = "identity"       // identity document numbers: ID card, passport, licence
	DataCredentials    DataCategory = "credentials"    // passwords, tokens, security answers
	DataFinancial      DataCategory = "financial"      // account and card numbers, transactions
	DataCommunications DataCategory = "communications" // the content of messages and calls
	DataLocation       DataCategory = "location"       // whereabouts and tracks
	DataHealth         DataCategory = "health"
	DataBiometric      DataCategory = "biometric"
	DataGenetic        DataCategory = "genetic"
	DataMinors         DataCategory = "minors" // any personal data of children
	DataRacialEthnic   DataCategory = "racial_ethnic"
	DataPolitical      DataCategory = "political"
	DataReligious      DataCategory = "religious" // religious or philosophical beliefs
	DataTradeUnion     DataCategory = "trade_union"
	DataSexLife        DataCategory = "sex_life" // sex life or sexual orientation
	DataCriminal       DataCategory = "criminal" // convictions and offences
	DataOther          DataCategory = "other"
)

// DataCategories lists the categories, ordinary first.
var DataCategories = []DataCategory{DataContact, DataIdentity, DataCredentials, DataFinancial, DataCommunications, DataLocation,
	DataHealth, DataBiometric, DataGenetic, DataMinors, DataRacialEthnic, DataPolitical, DataReligious, DataTradeUnion, DataSexLife, DataCriminal, DataOther}

// sensitive are the categories some law vmc knows treats as sensitive: the
// special categories of GDPR Art. 9(1) (racial or ethnic origin, political
// opinions, religious or philosophical beliefs, trade union membership,
// genetic and biometric data, health, sex life or sexual orientation) and
// Art. 10 (criminal convictions), and the sensitive personal information
// of PIPL Art. 28 (biometrics, religious beliefs, specific identities,
// medical health, financial accounts, whereabouts, and the personal
// information of minors under 14).
var sensitive = []DataCategory{DataFinancial, DataLocation, DataHealth, DataBiometric, DataGenetic, DataMinors, DataRacialEthnic,
	DataPolitical, DataReligious, DataTradeUnion, DataSexLife, DataCriminal}

func (c DataCategory) String() string { return string(c) }

// IsValid reports whether c is a known category.
func (c DataCategory) IsValid() bool { return slices.Contains(DataCategories, c) }

// Sensitive reports whether c is sensitive personal data under GDPR
// Art. 9 or 10, or PIPL Art. 28.
func (c DataCategory) Sensitive() bool { return slices.Contains(sensitive, c) }

// UnmarshalText rejects unknown categories.
func (c *DataCategory) UnmarshalText(b []byte) error {
	if !DataCategory(b).IsValid() {
		return fmt.Errorf("%w: unknown personal data category %q (%s)", ErrInvalid, b, joinKinds(DataCategories))
	}
	*c = DataCategory(b)
	return nil
}

// BreachFacts are the personal-data fields of an incident, which change
// together as the facts are established.
type BreachFacts struct {
	PersonalData bool           `json:"personal_data"`
	Aware        time.Time      `json:"aware,omitzero"`
	Categories   []DataCategory `json:"data_categories,omitempty"`
	Subjects     int64          `json:"data_subjects,omitempty"`
	// Jurisdictions are codes: ISO 3166-1 alpha-2 countries ("CN"), the
	// exceptionally reserved "EU" and "UK", ISO 3166-2 subdivisions
	// ("US-CO").
	Jurisdictions []string `json:"jurisdictions,omitempty"`
}

// Breach returns the incident's personal-data fields.
func (in Incident) Breach() BreachFacts {
	return BreachFacts{PersonalData: in.PersonalData, Aware: in.Aware, Categories: slices.Clone(in.DataCategories),
		Subjects: in.DataSubjects, Jurisdictions: slices.Clone(in.Jurisdictions)}
}

// SetBreach replaces the incident's personal-data fields with f's.
func (in *Incident) SetBreach(f BreachFacts) {
	in.PersonalData, in.Aware, in.DataSubjects = f.PersonalData, f.Aware, f.Subjects
	in.DataCategories, in.Jurisdictions = slices.Clone(f.Categories), slices.Clone(f.Jurisdictions)
}

// Sensitive reports whether the incident involves sensitive personal
// data.
func (in Incident) Sensitive() bool {
	return slices.ContainsFunc(in.DataCategories, DataCategory.Sensitive)
}

// AwareAt is when the notification deadlines start: Aware, or Detected
// when nobody said otherwise.
func (in Incident) AwareAt() time.Time {
	if in.Aware.IsZero() {
		return in.Detected
	}
	return in.Aware
}

// jurisdictionCode is an ISO 3166-1 alpha-2 code or an ISO 3166-2
// subdivision code.
var jurisdictionCode = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)

// ParseJurisdiction reads a jurisdiction code as people write it ("eu",
// " us-co ") and returns it upper-cased.
func ParseJurisdiction(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if !jurisdictionCode.MatchString(c) {
		return "", fmt.Errorf("%w: jurisdiction: %q is not a code (EU, UK, CN, US-CO)", ErrInvalid, s)
	}
	return c, nil
}

// maxJurisdictions bounds an incident's list: a breach across every
// country there is still fits.
const maxJurisdictions = 300

// checkBreach checks the personal-data fields, naming the field.
func (in Incident) checkBreach() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	if !in.PersonalData && (len(in.DataCategories) > 0 || in.DataSubjects != 0 || len(in.Jurisdictions) > 0 || !in.Aware.IsZero()) {
		return bad("personal_data", "data categories, subjects, jurisdictions or awareness are given, but the incident is not flagged as involving personal data")
	}
	for i, c := range in.DataCategories {
		if !c.IsValid() {
			return bad("data_categories", "unknown %q (%s)", c, joinKinds(DataCategories))
		}
		if slices.Contains(in.DataCategories[:i], c) {
			return bad("data_categories", "%s given twice", c)
		}
	}
	switch {
	case in.DataSubjects < 0 || in.DataSubjects > 1e11:
		return bad("data_subjects", "%d is not a number of people (0 when unknown)", in.DataSubjects)
	case len(in.Jurisdictions) > maxJurisdictions:
		return bad("jurisdictions", "more than %d", maxJurisdictions)
	case !in.Aware.IsZero() && in.Aware.Before(in.Detected):
		return bad("aware", "%s is before detected %s: awareness of the breach follows the incident's detection", in.Aware.UTC().Format(time.RFC3339), in.Detected.UTC().Format(time.RFC3339))
	}
	for i, j := range in.Jurisdictions {
		if c, err := ParseJurisdiction(j); err != nil || c != j {
			return bad("jurisdictions", "%q is not a code as vmc writes it (EU, UK, CN, US-CO)", j)
		}
		if slices.Contains(in.Jurisdictions[:i], j) {
			return bad("jurisdictions", "%s given twice", j)
		}
	}
	return nil
}

// DeadlineRule is a law's deadline to notify a regulator of a personal
// data breach. The clock starts when the organisation became aware of the
// breach (Incident.AwareAt). A deadline in hours is that many hours later
// wherever one is; a deadline in days is that many calendar days later in
// the jurisdiction's time zone, at the same wall-clock time, across any
// change to or from summer time.
type DeadlineRule struct {
	// Jurisdiction is the code incidents name (Incident.Jurisdictions).
	Jurisdiction string `json:"jurisdiction"`
	// Law names the law ("EU GDPR"); Authority whom to notify.
	Law       string `json:"law"`
	Authority string `json:"authority"`
	// Hours or Days: exactly one is set.
	Hours int `json:"hours,omitempty"`
	Days  int `json:"days,omitempty"`
	// TimeZone is the jurisdiction's IANA zone, in which days are counted
	// and deadlines shown.
	TimeZone string `json:"time_zone"`
	// MinSubjects is the number of people from which the rule applies (a
	// US state's threshold for telling its Attorney General); 0 applies
	// it to every breach. A breach whose number of people is not known
	// is held to the rule.
	MinSubjects int64 `json:"min_subjects,omitempty"`
	// Source is the legal citation, Note what else to know (when the rule
	// applies, what else the law asks).
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
}

// Validate checks a rule, naming the field.
func (r DeadlineRule) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: deadline rule %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	if c, err := ParseJurisdiction(r.Jurisdiction); err != nil || c != r.Jurisdiction {
		return bad("jurisdiction", "%q is not a code as vmc writes it (EU, UK, CN, US-CO)", r.Jurisdiction)
	}
	for _, f := range []struct {
		name, v string
		max     int
		need    bool
	}{{"law", r.Law, 200, true}, {"authority", r.Authority, maxShort, true}, {"source", r.Source, 2000, true}, {"note", r.Note, 4000, false}} {
		switch {
		case f.need && strings.TrimSpace(f.v) == "":
			return bad(f.name, "empty")
		case len(f.v) > f.max || !utf8.ValidString(f.v):
			return bad(f.name, "longer than %d bytes or not UTF-8", f.max)
		}
	}
	switch {
	case (r.Hours > 0) == (r.Days > 0):
		return bad("hours", "give hours or days, one of them")
	case r.Hours < 0 || r.Hours > 24*366:
		return bad("hours", "%d is not between 1 and %d", r.Hours, 24*366)
	case r.Days < 0 || r.Days > 366:
		return bad("days", "%d is not between 1 and 366", r.Days)
	case r.MinSubjects < 0:
		return bad("min_subjects", "%d is negative", r.MinSubjects)
	}
	if _, err := r.location(); err != nil {
		return bad("time_zone", "%v", err)
	}
	return nil
}

func (r DeadlineRule) location() (*time.Location, error) {
	if r.TimeZone == "" || r.TimeZone == "Local" {
		return nil, fmt.Errorf("%q: name an IANA zone (Europe/Brussels, Asia/Shanghai)", r.TimeZone)
	}
	return time.LoadLocation(r.TimeZone)
}

// Within describes the rule's period ("72 hours", "30 days").
func (r DeadlineRule) Within() string {
	if r.Hours > 0 {
		return fmt.Sprintf("%d hours", r.Hours)
	}
	return fmt.Sprintf("%d days", r.Days)
}

// Deadline is when a breach the organisation became aware of at aware
// must be notified under r, in r's time zone.
func (r DeadlineRule) Deadline(aware time.Time) (time.Time, error) {
	loc, err := r.location()
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: deadline rule %s: time_zone: %v", ErrInvalid, r.Jurisdiction, err)
	}
	if r.Hours > 0 {
		return aware.Add(time.Duration(r.Hours) * time.Hour).In(loc), nil
	}
	return aware.In(loc).AddDate(0, 0, r.Days), nil
}

// Applies reports whether r holds for an incident affecting subjects
// people (0: unknown, which it holds for).
func (r DeadlineRule) Applies(subjects int64) bool {
	return r.MinSubjects == 0 || subjects == 0 || subjects >= r.MinSubjects
}

// DefaultDeadlineRules are the rules vmc knows out of the box; stored
// rules (vmc incident breach rule set) replace them jurisdiction by
// jurisdiction. Each cites its source; check them with counsel before
// relying on them: laws change, and a rule's conditions (who must
// notify, from what threshold) are summarised in its Note, not decided by
// vmc. The list is returned fresh on each call.
func DefaultDeadlineRules() []DeadlineRule {
	return []DeadlineRule{
		{
			Jurisdiction: "CN", Law: "PIPL; CAC Measures for Reporting Cybersecurity Incidents (国家网络安全事件报告管理办法)",
			Authority: "属地省级网信部门 (the provincial Cyberspace Administration)", Hours: 4, TimeZone: "Asia/Shanghai",
			Source: "PIPL (个人信息保护法) Art. 57: on a leak, tampering or loss of personal information, take remedial measures " +
				"immediately (立即) and notify the departments performing personal information protection duties and the individuals; " +
				"it sets no hours. 国家网络安全事件报告管理办法 (CAC, 2025-09-11, in force 2025-11-01) Art. 4: an incident graded " +
				"较大 (major) or above under its annex 网络安全事件分级指南 is reported by an ordinary network operator to the " +
				"provincial CAC within 4 hours at the latest (最迟不得超过4小时).",
			Note: "Art. 4 of the Measures also sets 1 hour for critical information infrastructure operators (to the protection " +
				"department and public security) and 2 hours for central and state organs (to their own cyberspace unit): set hours " +
				"to 1 or 2 if that is you. The grading (较大 or above) is yours to judge from the annex; PIPL's duty to notify " +
				"without delay holds below it.",
		},
		{
			Jurisdiction: "EU", Law: "EU GDPR", Authority: "the competent supervisory authority (GDPR Art. 55, 56)", Hours: 72,
			TimeZone: "Europe/Brussels",
			Source: "Regulation (EU) 2016/679 (GDPR) Art. 33(1): without undue delay and, where feasible, not later than 72 hours " +
				"after having become aware of it, unless the breach is unlikely to result in a risk to the rights and freedoms of " +
				"natural persons; a notification after 72 hours is accompanied by reasons for the delay.",
			Note: "Art. 34: data subjects are told without undue delay when the risk to them is high. Art. 33(5): every breach is " +
				"documented, notified or not.",
		},
		{
			Jurisdiction: "UK", Law: "UK GDPR", Authority: "the Information Commissioner's Office (ICO)", Hours: 72,
			TimeZone: "Europe/London",
			Source: "UK GDPR Art. 33(1) (Regulation (EU) 2016/679 as retained in UK law): without undue delay and, where feasible, " +
				"not later than 72 hours after having become aware of it, to the Commissioner, unless unlikely to result in a risk; " +
				"later notifications give reasons for the delay.",
		},
		{
			Jurisdiction: "US-CO", Law: "Colorado Revised Statutes § 6-1-716", Authority: "the Colorado Attorney General", Days: 30,
			TimeZone: "America/Denver", MinSubjects: 500,
			Source: "C.R.S. § 6-1-716 (as amended by HB 18-1128, in force 2018-09-01): notice to the Attorney General within 30 days " +
				"after the determination that a security breach occurred, when it affected 500 Colorado residents or more.",
			Note: "An example of a US state law, not a survey: every state has its own. Affected residents are notified within " +
				"the same 30 days.",
		},
	}
}

// Rules merges stored rules over the defaults: a stored rule replaces the
// default of its jurisdiction. The result is sorted by jurisdiction.
func Rules(defaults, stored []DeadlineRule) []DeadlineRule {
	out := slices.Clone(stored)
	for _, d := range defaults {
		if !slices.ContainsFunc(stored, func(r DeadlineRule) bool { return r.Jurisdiction == d.Jurisdiction }) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b DeadlineRule) int { return cmp.Compare(a.Jurisdiction, b.Jurisdiction) })
	return out
}

// BreachAction is what a breach decision records for one jurisdiction.
type BreachAction string

const (
	// Notify: management decided to notify the regulator; the
	// notification is still to be sent.
	Notify BreachAction = "notify"
	// NoNotify: management decided not to notify (the breach is unlikely
	// to result in a risk to people: the data was encrypted and the key
	// safe, say). The reason is required, and kept: regulators ask.
	NoNotify BreachAction = "no_notify"
	// Notified: the regulator was notified, at NotifiedAt, under the
	// regulator's Reference. Follow-up notifications (GDPR Art. 33(4):
	// information in phases) are further Notified decisions.
	Notified BreachAction = "notified"
)

// BreachActions lists the actions.
var BreachActions = []BreachAction{Notify, NoNotify, Notified}

func (a BreachAction) String() string { return string(a) }

// IsValid reports whether a is a known action.
func (a BreachAction) IsValid() bool { return slices.Contains(BreachActions, a) }

// UnmarshalText rejects unknown actions.
func (a *BreachAction) UnmarshalText(b []byte) error {
	if !BreachAction(b).IsValid() {
		return fmt.Errorf("%w: unknown breach decision %q (%s)", ErrDecision, b, joinKinds(BreachActions))
	}
	*a = BreachAction(b)
	return nil
}

// BreachDecision is management's decision record about notifying one
// jurisdiction's regulator of a personal data breach. Records are kept,
// never changed; the latest for a jurisdiction is where it stands.
type BreachDecision struct {
	ID           int64        `json:"id,omitempty"` // assigned by the store
	Incident     int64        `json:"incident,omitempty"`
	Jurisdiction string       `json:"jurisdiction"`
	Action       BreachAction `json:"action"`
	DecidedBy    string       `json:"decided_by"`
	Decided      time.Time    `json:"decided"`
	// Reason says why: required not to notify.
	Reason string `json:"reason,omitempty"`
	// Authority is who is or was notified; the rule's, by default.
	Authority string `json:"authority,omitempty"`
	// Reference is the regulator's reference for the notification (a case
	// or report number).
	Reference string `json:"reference,omitempty"`
	// NotifiedAt is when the notification was made (Notified only), and
	// DelayReason why it was after the deadline, when it was (GDPR Art.
	// 33(1) asks for the reasons).
	NotifiedAt  time.Time `json:"notified_at,omitzero"`
	DelayReason string    `json:"delay_reason,omitempty"`
}

// CheckBreachDecision checks d, a decision about incident in, against the
// rules: the incident involves personal data and names the jurisdiction;
// not notifying needs a reason; a notification is recorded after it was
// made, with the reasons for its delay when it was late under rule (nil
// when no rule is configured for the jurisdiction); nothing is decided
// not to be notified once it was. prev are the incident's decisions so
// far. It fills in the rule's authority. Errors wrap ErrDecision and name
// the field.
func CheckBreachDecision(d *BreachDecision, in Incident, rule *DeadlineRule, prev []BreachDecision) error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrDecision, field, fmt.Sprintf(format, args...))
	}
	switch {
	case !in.PersonalData:
		return bad("incident", "incident %d is not flagged as involving personal data", in.ID)
	case !slices.Contains(in.Jurisdictions, d.Jurisdiction):
		return bad("jurisdiction", "%q is not among the incident's jurisdictions (%s)", d.Jurisdiction, strings.Join(in.Jurisdictions, ", "))
	case !d.Action.IsValid():
		return bad("action", "unknown %q (%s)", d.Action, joinKinds(BreachActions))
	case !nameOK(d.DecidedBy):
		return bad("decided_by", "%q is not a name", d.DecidedBy)
	case d.Decided.IsZero():
		return bad("decided", "not set")
	}
	for _, f := range []struct{ name, v string }{{"reason", d.Reason}, {"authority", d.Authority}, {"reference", d.Reference}, {"delay_reason", d.DelayReason}} {
		if len(f.v) > maxDecisionText || !utf8.ValidString(f.v) || (f.name == "reference" && !lineOK(f.v)) {
			return bad(f.name, "longer than %d KiB or not UTF-8", maxDecisionText>>10)
		}
	}
	if d.Authority == "" && rule != nil {
		d.Authority = rule.Authority
	}
	for _, p := range prev {
		if p.Jurisdiction == d.Jurisdiction && p.Action == Notified && d.Action != Notified {
			return bad("action", "%s was notified on %s (%s): only follow-up notifications may be recorded", d.Jurisdiction,
				p.NotifiedAt.UTC().Format(time.RFC3339), cmp.Or(p.Reference, "no reference"))
		}
	}
	switch d.Action {
	case NoNotify:
		switch {
		case strings.TrimSpace(d.Reason) == "":
			return bad("reason", "say why the regulator is not notified (GDPR Art. 33(1): unlikely to result in a risk to people)")
		case !d.NotifiedAt.IsZero() || d.Reference != "" || d.DelayReason != "":
			return bad("notified_at", "a decision not to notify has no notification time, reference or delay")
		}
	case Notify:
		if !d.NotifiedAt.IsZero() || d.DelayReason != "" {
			return bad("notified_at", "a decision to notify records no notification yet: record it as notified once made")
		}
	case Notified:
		switch {
		case d.NotifiedAt.IsZero():
			return bad("notified_at", "when was the regulator notified?")
		case d.NotifiedAt.After(d.Decided):
			return bad("notified_at", "%s is after the record is made (%s): record a notification once made", d.NotifiedAt.UTC().Format(time.RFC3339), d.Decided.UTC().Format(time.RFC3339))
		case d.NotifiedAt.Before(in.AwareAt()):
			return bad("notified_at", "%s is before the organisation became aware of the breach (%s)", d.NotifiedAt.UTC().Format(time.RFC3339), in.AwareAt().UTC().Format(time.RFC3339))
		}
		if rule != nil && rule.Applies(in.DataSubjects) {
			deadline, err := rule.Deadline(in.AwareAt())
			if err != nil {
				return err
			}
			if d.NotifiedAt.After(deadline) && strings.TrimSpace(d.DelayReason) == "" {
				return bad("delay_reason", "notified %s after the deadline (%s, %s from awareness): give the reasons for the delay",
					d.NotifiedAt.Sub(deadline).Round(time.Minute), deadline.Format(time.RFC3339), rule.Within())
			}
		}
	}
	return nil
}

// ObligationStatus is where one jurisdiction's notification stands.
type ObligationStatus string

const (
	// Pending: undecided, or decided to notify, and the deadline not
	// passed.
	Pending ObligationStatus = "pending"
	// Overdue: not notified, nor decided against, and the deadline passed.
	Overdue ObligationStatus = "overdue"
	// Done: notified in time.
	Done ObligationStatus = "notified"
	// Late: notified after the deadline.
	Late ObligationStatus = "notified_late"
	// Declined: decided not to notify, with the reason on record.
	Declined ObligationStatus = "not_notifying"
	// NotApplicable: the rule's threshold is not reached.
	NotApplicable ObligationStatus = "not_applicable"
	// NoRule: no deadline is configured for the jurisdiction: vmc cannot
	// tell whether it is late.
	NoRule ObligationStatus = "no_rule"
)

// Obligation is one jurisdiction's notification deadline for a breach.
type Obligation struct {
	Jurisdiction string        `json:"jurisdiction"`
	Rule         *DeadlineRule `json:"rule,omitempty"`
	// Clock is when the deadline started; Deadline is when it ends, in
	// the rule's zone.
	Clock    time.Time        `json:"clock"`
	Deadline time.Time        `json:"deadline,omitzero"`
	Status   ObligationStatus `json:"status"`
	// Decision is the latest decision for the jurisdiction.
	Decision *BreachDecision `json:"decision,omitempty"`
}

// ErrNoPersonalData marks a breach question about an incident not flagged
// as involving personal data.
var ErrNoPersonalData = errors.New("no personal data involved")

// Obligations says, for each of the incident's jurisdictions, when its
// regulator must be notified and whether that is done, at now. decisions
// are the incident's, in any order; rules the rules in force (Rules).
func Obligations(in Incident, rules []DeadlineRule, decisions []BreachDecision, now time.Time) ([]Obligation, error) {
	if !in.PersonalData {
		return nil, fmt.Errorf("incident %d: %w", in.ID, ErrNoPersonalData)
	}
	latest := map[string]BreachDecision{}
	ds := slices.Clone(decisions)
	slices.SortStableFunc(ds, func(a, b BreachDecision) int { return cmp.Or(a.Decided.Compare(b.Decided), cmp.Compare(a.ID, b.ID)) })
	for _, d := range ds {
		latest[d.Jurisdiction] = d
	}
	out := make([]Obligation, 0, len(in.Jurisdictions))
	for _, j := range in.Jurisdictions {
		o := Obligation{Jurisdiction: j, Clock: in.AwareAt()}
		if d, ok := latest[j]; ok {
			o.Decision = &d
		}
		i := slices.IndexFunc(rules, func(r DeadlineRule) bool { return r.Jurisdiction == j })
		if i < 0 {
			o.Status = NoRule
			out = append(out, o)
			continue
		}
		r := rules[i]
		o.Rule = &r
		var err error
		if o.Deadline, err = r.Deadline(o.Clock); err != nil {
			return nil, err
		}
		switch {
		case o.Decision != nil && o.Decision.Action == NoNotify:
			o.Status = Declined
		case !r.Applies(in.DataSubjects):
			o.Status = NotApplicable
		case o.Decision != nil && o.Decision.Action == Notified:
			o.Status = Done
			if first := firstNotified(ds, j); first.After(o.Deadline) {
				o.Status = Late
			}
		case now.Before(o.Deadline):
			o.Status = Pending
		default:
			o.Status = Overdue
		}
		out = append(out, o)
	}
	return out, nil
}

// firstNotified is when jurisdiction j was first notified: a follow-up
// does not make a timely notification late.
func firstNotified(ds []BreachDecision, j string) time.Time {
	var first time.Time
	for _, d := range ds {
		if d.Jurisdiction == j && d.Action == Notified && (first.IsZero() || d.NotifiedAt.Before(first)) {
			first = d.NotifiedAt
		}
	}
	return first
}
