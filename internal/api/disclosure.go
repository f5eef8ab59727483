package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// Vulnerability reports from outside the organisation (package
// disclosure), over the API:
//   - the public intake, with no sign-in: POST /api/v1/intake takes a
//     report and answers with its acknowledgement code and the secret
//     of its status link, with which the reporter reads the report's
//     status (GET /api/v1/intake/{token}) and writes to the team (POST
//     …/messages). The same is served as plain HTML pages (intake.go).
//   - the team's routes under /api/v1/disclosures: reading is
//     report.read, everything else report.triage. Every report returned
//     passes incident.Release on the API channel with the caller as
//     recipient, as incidents do (see incidents.go): one withheld is not
//     found.
//
// The public routes are hostile ground. They are limited per client
// address (Intake.Limiter: submissions and messages count, and so do
// status links that lead nowhere), their bodies are bounded
// (maxIntakeBody: 413 beyond), and a wrong status link is a 404 like a
// missing one, checked in constant time. The JSON routes take JSON only
// (415 otherwise), which a page on another site cannot send without a
// CORS preflight vmc does not answer: they need no CSRF token.

// Intake configures third-party vulnerability reports.
type Intake struct {
	// Policy sets new reports' deadlines; zero is
	// disclosure.DefaultPolicy.
	Policy disclosure.Policy
	// PublicURL is where people outside reach vmc
	// ("https://vmc.example.cn"): status links and security.txt are
	// written with it. Empty, status links are given as paths, and
	// security.txt names neither the intake form nor itself.
	PublicURL string
	// SecurityTxt holds the fields of /.well-known/security.txt that
	// configuration gives (Contact, Policy, Encryption, …). The server
	// sets Expires, ExpiryDays ahead [180], and adds the intake form to
	// Contact and the file's own address to Canonical when PublicURL is
	// https. With no Contact at all, security.txt is not served.
	SecurityTxt disclosure.SecurityTxt
	ExpiryDays  int
	// PerHour bounds what one client address may do on the public
	// routes [10]: see IntakeLimiter.
	PerHour int
	// Limiter, when set, is used instead of IntakeLimiter(PerHour,
	// Store).
	Limiter *auth.Limiter
}

// ScopeIntake is the public intake's scope in the store's shared
// limits.
const ScopeIntake = "intake"

// IntakeLimiter limits the public intake to perHour submissions,
// messages and wrong status links an hour from one client address (an
// IPv6 /64), locking the address out for an hour when it goes beyond,
// and twice as long each time it does again. It is auth's login limiter,
// keyed by address alone: the per-user-name lock it also keeps is set
// out of reach, since the intake has no user names. With a table, the
// counts are kept there, under ScopeIntake, shared by every replica of
// vmc serve on it; with none, in memory.
func IntakeLimiter(perHour int, t auth.LimitTable) *auth.Limiter {
	l := auth.Limits{PerUserIP: perHour, PerIP: perHour, PerUser: math.MaxInt32, Window: time.Hour, Lockout: time.Hour}
	if t == nil {
		return auth.NewLimiter(l)
	}
	return auth.NewSharedLimiter(ScopeIntake, l, t)
}

// maxIntakeBody bounds a report: the longest description and every
// other field at their limits, with room for JSON escapes.
const maxIntakeBody = disclosure.MaxDescription*2 + 16<<10

// maxMessageBody bounds a message on a report.
const maxMessageBody = disclosure.MaxMessage*2 + 4<<10

// intakeMeta marks the operations the intake limiter guards.
const intakeMeta = "vmc.intake"

func (s *Server) intakePolicy() disclosure.Policy {
	if s.Intake.Policy.AckBusinessDays == 0 {
		return disclosure.DefaultPolicy
	}
	return s.Intake.Policy
}

func (s *Server) intakeLimiter() *auth.Limiter {
	if s.Intake.Limiter == nil {
		// Handler sets it before serving; this is for a Server used
		// without it.
		s.Intake.Limiter = IntakeLimiter(cmp.Or(s.Intake.PerHour, 10), s.limitTable())
	}
	return s.Intake.Limiter
}

// limitTable is where shared limiters count: the store, or nowhere
// (in memory) without one.
func (s *Server) limitTable() auth.LimitTable {
	if s.Store == nil {
		return nil
	}
	return s.Store
}

// takeIntake counts one write from remote against its address's limit,
// unless the address is locked out: then it reports how long for. Check
// and count are one step, so requests racing on several replicas cannot
// all slip in under the limit. When the count cannot be kept, the write
// is refused for a minute.
func (s *Server) takeIntake(ctx context.Context, remote string) (ok bool, wait time.Duration) {
	ok, wait, err := s.intakeLimiter().Take(ctx, intakeKey(remote), s.now())
	if err != nil {
		s.Log.ErrorContext(ctx, "intake limit", "err", err)
		return false, time.Minute
	}
	return ok, wait
}

// intakeKey is a client address as the limiter counts it.
func intakeKey(remote string) auth.LoginKey {
	return auth.LoginKey{User: "intake", IP: clientIP(remote)}
}

// limitIntake refuses the intake's operations to a client address that
// is locked out, before anything else is read, and counts each write.
func (s *Server) limitIntake(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if _, ok := ctx.Operation().Metadata[intakeMeta]; !ok {
			next(ctx)
			return
		}
		ok, wait := true, time.Duration(0)
		if ctx.Method() == http.MethodGet {
			// Reading counts only when the link leads nowhere
			// (reportByToken).
			ok, wait = s.intakeLimiter().Allow(intakeKey(ctx.RemoteAddr()), s.now())
		} else {
			ok, wait = s.takeIntake(ctx.Context(), ctx.RemoteAddr())
		}
		if !ok {
			ctx.SetHeader("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			huma.WriteErr(api, ctx, http.StatusTooManyRequests, fmt.Sprintf("too many reports or messages from your address; try again in %s", wait.Round(time.Minute)))
			return
		}
		next(ctx)
	}
}

// errNoStatus is the answer to every status link that does not lead to
// a report, whatever is wrong with it.
var errNoStatus = huma.Error404NotFound("no report has this status link")

// dummyHash stands in for a stored hash when a status link's id matches
// nothing, so that a wrong id costs the same hash and comparison as a
// wrong secret.
var dummyHash = strings.Repeat("0", 64)

// reportByToken returns the report a status link leads to. A link that
// does not parse, names no report or carries the wrong secret is
// errNoStatus, and counts against the client's address.
func (s *Server) reportByToken(ctx context.Context, token string) (disclosure.Report, error) {
	miss := func() (disclosure.Report, error) {
		if err := s.intakeLimiter().FailContext(ctx, intakeKey(remoteAddr(ctx)), s.now()); err != nil {
			s.Log.ErrorContext(ctx, "intake limit", "err", err)
		}
		return disclosure.Report{}, errNoStatus
	}
	id, secret, err := auth.ParseStatusToken(token)
	if err != nil {
		return miss()
	}
	r, hash, err := s.Store.ReportByStatus(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		auth.CheckTokenSecret(dummyHash, secret)
		return miss()
	case err != nil:
		return r, err
	case !auth.CheckTokenSecret(hash, secret):
		return miss()
	}
	return r, nil
}

// StatusURL is the status page of the report whose status link's
// secret is token: absolute when the public URL is known.
func (in Intake) StatusURL(token string) string {
	return strings.TrimSuffix(in.PublicURL, "/") + intakePage + "/" + token
}

// reportError maps the disclosure package's invalid input to 422.
func reportError(err error) error {
	if errors.Is(err, disclosure.ErrInvalid) || errors.Is(err, incident.ErrInvalid) {
		return huma.Error422UnprocessableEntity(err.Error())
	}
	return err
}

type intakeInput struct {
	Body struct {
		Title           string `json:"title" minLength:"1" maxLength:"300" doc:"what the vulnerability is, in a line"`
		Description     string `json:"description" minLength:"1" maxLength:"65536" doc:"what you found, where, how to reproduce it, what an attacker gains"`
		Product         string `json:"product,omitempty" maxLength:"200" doc:"the affected product, site or service"`
		Version         string `json:"version,omitempty" maxLength:"200" doc:"the affected version"`
		ReporterName    string `json:"reporter_name,omitempty" maxLength:"200" doc:"your name; leave it out to stay anonymous"`
		ReporterContact string `json:"reporter_contact,omitempty" maxLength:"320" doc:"how to reach you: e-mail, messenger, URL"`
		WantsCredit     bool   `json:"wants_credit,omitempty" doc:"credit me when the vulnerability is published"`
		CreditName      string `json:"credit_name,omitempty" maxLength:"200" doc:"the name to credit; your name by default"`
		Lang            string `json:"lang,omitempty" enum:"en,zh-CN" doc:"the language to answer you in; the request's Accept-Language by default"`
	}
}

// receipt is what a reporter gets back for a report.
type receipt struct {
	// Code is the acknowledgement code to quote.
	Code string `json:"code"`
	// StatusToken is the secret of the status link; it is shown once,
	// and vmc keeps only its hash. Anyone holding it reads the report.
	StatusToken string `json:"status_token"`
	// StatusURL is the status page: keep it private.
	StatusURL string               `json:"status_url"`
	Received  time.Time            `json:"received"`
	Deadlines disclosure.Deadlines `json:"deadlines"`
}

type receiptOutput struct {
	ReferrerPolicy string `header:"Referrer-Policy"`
	Body           receipt
}

// reporterView is a report as its reporter sees it: what they sent, where
// it stands, the deadlines, and the conversation. The team's notes, its
// reasons and the names of its members are not in it.
type reporterView struct {
	Code         string               `json:"code"`
	Title        string               `json:"title"`
	Description  string               `json:"description"`
	Product      string               `json:"product,omitempty"`
	Version      string               `json:"version,omitempty"`
	State        disclosure.State     `json:"state"`
	Received     time.Time            `json:"received"`
	Acknowledged time.Time            `json:"acknowledged,omitzero"`
	Triaged      time.Time            `json:"triaged,omitzero"`
	Fixed        time.Time            `json:"fixed,omitzero"`
	Disclosed    time.Time            `json:"disclosed,omitzero"`
	Deadlines    disclosure.Deadlines `json:"deadlines"`
	Credit       disclosure.Credit    `json:"credit"`
	Messages     []reporterMessage    `json:"messages"`
}

type reporterMessage struct {
	At time.Time `json:"at"`
	// From is "you" or "team".
	From string `json:"from"`
	Text string `json:"text"`
}

func (s *Server) reporterView(ctx context.Context, r disclosure.Report) (reporterView, error) {
	v := reporterView{Code: r.Code, Title: r.Title, Description: r.Description, Product: r.Product, Version: r.Version,
		State: r.State, Received: r.Received, Acknowledged: r.Acknowledged, Triaged: r.Triaged, Fixed: r.Fixed,
		Disclosed: r.Disclosed, Deadlines: r.Deadlines, Credit: r.Credit, Messages: []reporterMessage{}}
	events, err := s.Store.ReportEvents(ctx, r.ID)
	if err != nil {
		return v, err
	}
	for _, e := range events {
		if !e.Kind.ToReporter() {
			continue
		}
		from := "team"
		if e.Kind == disclosure.EventReporter {
			from = "you"
		}
		v.Messages = append(v.Messages, reporterMessage{At: e.At, From: from, Text: e.Text})
	}
	return v, nil
}

type statusInput struct {
	Token string `path:"token" maxLength:"100"`
}

type statusOutput struct {
	ReferrerPolicy string `header:"Referrer-Policy"`
	CacheControl   string `header:"Cache-Control"`
	Body           reporterView
}

type statusMessageInput struct {
	Token string `path:"token" maxLength:"100"`
	Body  struct {
		Text string `json:"text" minLength:"1" maxLength:"16384"`
	}
}

type reporterMessageOutput struct {
	ReferrerPolicy string `header:"Referrer-Policy"`
	Body           reporterMessage
}

// submit takes a submission from outside and returns the receipt.
func (s *Server) submit(ctx context.Context, sub disclosure.Submission) (receipt, error) {
	token, id, hash := auth.NewStatusToken()
	r, err := s.Store.SubmitReport(ctx, sub, s.intakePolicy(), id, hash, "")
	if err != nil {
		return receipt{}, err
	}
	return receipt{Code: r.Code, StatusToken: token, StatusURL: s.Intake.StatusURL(token), Received: r.Received, Deadlines: r.Deadlines}, nil
}

func (s *Server) registerIntake(api huma.API) {
	tags := []string{"intake"}
	meta := func() map[string]any { return map[string]any{intakeMeta: true} }
	op(s, api, huma.Operation{OperationID: "intake-report", Method: http.MethodPost, Path: "/api/v1/intake", Tags: tags,
		Summary:       "Report a security vulnerability, with no account: the answer holds the acknowledgement code and the secret status link, shown once. Limited per address; bodies over 144 KiB are refused.",
		DefaultStatus: http.StatusCreated, MaxBodyBytes: maxIntakeBody, Metadata: meta()}, Public,
		func(ctx context.Context, in *intakeInput) (*receiptOutput, error) {
			b := in.Body
			sub := disclosure.Submission{Title: b.Title, Description: b.Description, Product: b.Product, Version: b.Version,
				ReporterName: b.ReporterName, ReporterContact: b.ReporterContact, WantsCredit: b.WantsCredit, CreditName: b.CreditName, Lang: b.Lang}
			if sub.Lang == "" {
				sub.Lang = langOf(ctx)
			}
			rc, err := s.submit(ctx, sub)
			if err != nil {
				return nil, reportError(err)
			}
			return &receiptOutput{ReferrerPolicy: "no-referrer", Body: rc}, nil
		})
	op(s, api, huma.Operation{OperationID: "intake-status", Method: http.MethodGet, Path: "/api/v1/intake/{token}", Tags: tags,
		Summary:  "A report as its reporter sees it, by the secret of its status link: state, deadlines, the conversation with the team. A link that leads nowhere is 404, and counts against your address.",
		Metadata: meta()}, Public,
		func(ctx context.Context, in *statusInput) (*statusOutput, error) {
			r, err := s.reportByToken(ctx, in.Token)
			if err != nil {
				return nil, err
			}
			v, err := s.reporterView(ctx, r)
			return &statusOutput{ReferrerPolicy: "no-referrer", CacheControl: "no-store", Body: v}, err
		})
	op(s, api, huma.Operation{OperationID: "intake-message", Method: http.MethodPost, Path: "/api/v1/intake/{token}/messages", Tags: tags,
		Summary:       "Write to the team about your report, by the secret of its status link.",
		DefaultStatus: http.StatusCreated, MaxBodyBytes: maxMessageBody, Metadata: meta()}, Public,
		func(ctx context.Context, in *statusMessageInput) (*reporterMessageOutput, error) {
			r, err := s.reportByToken(ctx, in.Token)
			if err != nil {
				return nil, err
			}
			e, err := s.Store.AddReportEvent(ctx, r.ID, disclosure.Event{Actor: r.Actor(), Kind: disclosure.EventReporter, Text: in.Body.Text})
			if err != nil {
				return nil, reportError(err)
			}
			return &reporterMessageOutput{ReferrerPolicy: "no-referrer", Body: reporterMessage{At: e.At, From: "you", Text: e.Text}}, nil
		})
}

// releasedReport reports whether r may be returned to the caller now.
func (s *Server) releasedReport(ctx context.Context, r disclosure.Report) bool {
	return incident.Release(r.Marking, incident.ChannelAPI, recipient(ctx), s.now()) == nil
}

// visibleReport returns the report if it is released to the caller; one
// withheld is not found, in the store's own words for a missing one.
func (s *Server) visibleReport(ctx context.Context, id int64) (disclosure.Report, error) {
	r, err := s.Store.Report(ctx, id)
	if err != nil {
		return r, err
	}
	if !s.releasedReport(ctx, r) {
		return r, huma.Error404NotFound(fmt.Sprintf("report %d: %s", id, store.ErrNotFound))
	}
	return r, nil
}

// disclosureItem is a report in a list, with the deadlines it has missed.
type disclosureItem struct {
	disclosure.Report
	Overdue []disclosure.Deadline `json:"overdue"`
}

func (s *Server) disclosureItem(r disclosure.Report) disclosureItem {
	it := disclosureItem{Report: r, Overdue: r.Overdue(s.now())}
	if it.Overdue == nil {
		it.Overdue = []disclosure.Deadline{}
	}
	return it
}

type disclosureListInput struct {
	State   string `query:"state" enum:"received,acknowledged,triaged,accepted,rejected,duplicate,fixed,disclosed" doc:"only reports in this state"`
	Open    bool   `query:"open" doc:"only reports still open: not rejected, a duplicate, or disclosed"`
	Overdue bool   `query:"overdue" doc:"only reports past one of their deadlines now"`
}

type disclosureListOutput struct {
	Body struct {
		Items []disclosureItem `json:"items"`
	}
}

type disclosureIDInput struct {
	ID int64 `path:"id"`
}

// disclosureView is a report with its log and what may happen next.
type disclosureView struct {
	Report     disclosureItem     `json:"report"`
	NextStates []disclosure.State `json:"next_states"`
	// Log is oldest first: moves, deadlines, the conversation with the
	// reporter, the team's notes.
	Log []logEntry `json:"log"`
	// Incident is the incident just opened from the report, when the
	// caller may read it.
	Incident *incident.Incident `json:"incident,omitempty"`
}

// logEntry is an entry of a report's log. It wraps disclosure.Event
// because the API names schemas by Go type name, and incidents have an
// Event too; disclosureItem does the same for disclosure.Report.
type logEntry disclosure.Event

type disclosureOutput struct{ Body disclosureView }

func (s *Server) disclosureView(ctx context.Context, r disclosure.Report) (*disclosureOutput, error) {
	v := disclosureView{Report: s.disclosureItem(r), NextStates: r.State.Next(), Log: []logEntry{}}
	events, err := s.Store.ReportEvents(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		v.Log = append(v.Log, logEntry(e))
	}
	if v.NextStates == nil {
		v.NextStates = []disclosure.State{}
	}
	return &disclosureOutput{Body: v}, nil
}

type disclosureAckInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Message string `json:"message,omitempty" maxLength:"16384" doc:"an answer to the reporter, shown on their status page"`
	}
}

type disclosureTriageInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Decision    string `json:"decision" enum:"triaged,accepted,rejected,duplicate" doc:"triaged: assessed, decision pending"`
		Reason      string `json:"reason" minLength:"1" maxLength:"16384" doc:"why, for the log and the audit log (not shown to the reporter)"`
		DuplicateOf int64  `json:"duplicate_of,omitempty" minimum:"0" doc:"the earlier report this one repeats"`
		Message     string `json:"message,omitempty" maxLength:"16384" doc:"an answer to the reporter, shown on their status page"`
	}
}

type disclosureMoveInput struct {
	ID   int64 `path:"id"`
	Body struct {
		To     string `json:"to" enum:"received,acknowledged,triaged,accepted,rejected,duplicate,fixed,disclosed"`
		Reason string `json:"reason,omitempty" maxLength:"16384"`
	}
}

type disclosureDeadlineInput struct {
	ID       int64  `path:"id"`
	Deadline string `path:"deadline" enum:"ack,triage,disclosure"`
	Body     struct {
		At     string `json:"at" format:"date-time" doc:"the new date"`
		Reason string `json:"reason" minLength:"1" maxLength:"16384"`
	}
}

type disclosureMessageInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Text     string `json:"text" minLength:"1" maxLength:"16384"`
		Internal bool   `json:"internal,omitempty" doc:"a note for the team, never shown to the reporter"`
	}
}

type disclosureEventOutput struct{ Body logEntry }

type disclosureCreditInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Name string `json:"name,omitempty" maxLength:"200" doc:"the name to credit; the one the reporter gave by default"`
	}
}

type disclosureMarkingInput struct {
	ID   int64 `path:"id"`
	Body struct {
		TLP    string `json:"tlp" minLength:"1" maxLength:"20" doc:"a TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT, RED"`
		Reason string `json:"reason" minLength:"1" maxLength:"16384"`
	}
}

type disclosureIncidentInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Incident int64  `json:"incident,omitempty" minimum:"0" doc:"link to this incident; leave out to open a new one"`
		Category string `json:"category,omitempty" enum:"intrusion,exploitation,malware,data_breach,denial_service,phishing,insider,misconfiguration,other" doc:"the new incident's category"`
		Severity string `json:"severity,omitempty" enum:"low,medium,high,critical" doc:"the new incident's severity"`
		Owner    string `json:"owner,omitempty" maxLength:"200" doc:"who leads the new incident's response"`
	}
}

type creditsOutput struct {
	Body struct {
		Items []disclosure.Credited `json:"items"`
	}
}

// reply puts a message to the reporter on the report's log.
func (s *Server) reply(ctx context.Context, id int64, text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	_, err := s.Store.AddReportEvent(ctx, id, disclosure.Event{Actor: who(ctx).User.Name, Kind: disclosure.EventReply, Text: text})
	return reportError(err)
}

func (s *Server) registerDisclosures(api huma.API) {
	tags := []string{"disclosures"}
	read, triage := string(auth.ReportRead), string(auth.ReportTriage)
	const doc = " Only reports released to you through the API are shown, as for incidents; others are not found."
	op(s, api, huma.Operation{OperationID: "list-disclosures", Method: http.MethodGet, Path: "/api/v1/disclosures", Tags: tags,
		Summary: "Vulnerability reports from outside, newest first, each with the deadlines it has missed." + doc}, read,
		func(ctx context.Context, in *disclosureListInput) (*disclosureListOutput, error) {
			q := store.ReportQuery{State: disclosure.State(in.State), Open: in.Open}
			if in.Overdue {
				q.OverdueAt = s.now()
			}
			list, err := s.Store.ListReports(ctx, q)
			if err != nil {
				return nil, err
			}
			out := &disclosureListOutput{}
			out.Body.Items = []disclosureItem{}
			for _, r := range list {
				if s.releasedReport(ctx, r) {
					out.Body.Items = append(out.Body.Items, s.disclosureItem(r))
				}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "list-disclosure-credits", Method: http.MethodGet, Path: "/api/v1/disclosures/credits", Tags: tags,
		Summary: "The reporters to thank in public: disclosed reports whose credit was confirmed, newest disclosure first." + doc}, read,
		func(ctx context.Context, _ *emptyInput) (*creditsOutput, error) {
			list, err := s.Store.ListReports(ctx, store.ReportQuery{State: disclosure.Disclosed})
			if err != nil {
				return nil, err
			}
			out := &creditsOutput{}
			out.Body.Items = disclosure.Credits(slices.DeleteFunc(list, func(r disclosure.Report) bool { return !s.releasedReport(ctx, r) }))
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-disclosure", Method: http.MethodGet, Path: "/api/v1/disclosures/{id}", Tags: tags,
		Summary: "A vulnerability report, its log (moves, deadlines, the conversation with the reporter, notes), the states it may move to and the deadlines it has missed." + doc}, read,
		func(ctx context.Context, in *disclosureIDInput) (*disclosureOutput, error) {
			r, err := s.visibleReport(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return s.disclosureView(ctx, r)
		})
	// change runs a change to a visible report and answers with the
	// report as changed.
	change := func(ctx context.Context, id int64, fn func() (disclosure.Report, error)) (*disclosureOutput, error) {
		if _, err := s.visibleReport(ctx, id); err != nil {
			return nil, err
		}
		r, err := fn()
		if err != nil {
			return nil, reportError(err)
		}
		return s.disclosureView(ctx, r)
	}
	op(s, api, huma.Operation{OperationID: "acknowledge-disclosure", Method: http.MethodPost, Path: "/api/v1/disclosures/{id}/ack", Tags: tags,
		Summary: "Acknowledge a report (received → acknowledged), with an optional answer to the reporter (audited, on its log)." + doc}, triage,
		func(ctx context.Context, in *disclosureAckInput) (*disclosureOutput, error) {
			return change(ctx, in.ID, func() (disclosure.Report, error) {
				r, err := s.Store.MoveReport(ctx, in.ID, disclosure.Acknowledged, "", 0, who(ctx).User.Name)
				if err != nil {
					return r, err
				}
				return r, s.reply(ctx, in.ID, in.Body.Message)
			})
		})
	op(s, api, huma.Operation{OperationID: "triage-disclosure", Method: http.MethodPost, Path: "/api/v1/disclosures/{id}/triage", Tags: tags,
		Summary: "Decide a report: triaged (assessed, decision pending), accepted, rejected or duplicate (of an earlier report), with the reason, and optionally an answer to the reporter (audited, on its log). A decision the process does not allow is 422 naming those it does." + doc}, triage,
		func(ctx context.Context, in *disclosureTriageInput) (*disclosureOutput, error) {
			b := in.Body
			return change(ctx, in.ID, func() (disclosure.Report, error) {
				r, err := s.Store.MoveReport(ctx, in.ID, disclosure.State(b.Decision), b.Reason, b.DuplicateOf, who(ctx).User.Name)
				if err != nil {
					return r, err
				}
				return r, s.reply(ctx, in.ID, b.Message)
			})
		})
	op(s, api, huma.Operation{OperationID: "move-disclosure", Method: http.MethodPost, Path: "/api/v1/disclosures/{id}/moves", Tags: tags,
		Summary: "Move a report on: accepted → fixed → disclosed, back to accepted when a fix failed, back to triage on new information (audited, on its log); every move but an acknowledgement needs a reason." + doc}, triage,
		func(ctx context.Context, in *disclosureMoveInput) (*disclosureOutput, error) {
			return change(ctx, in.ID, func() (disclosure.Report, error) {
				return s.Store.MoveReport(ctx, in.ID, disclosure.State(in.Body.To), in.Body.Reason, 0, who(ctx).User.Name)
			})
		})
	op(s, api, huma.Operation{OperationID: "set-disclosure-deadline", Method: http.MethodPut, Path: "/api/v1/disclosures/{id}/deadlines/{deadline}", Tags: tags,
		Summary: "Move one of a report's deadlines (ack, triage, disclosure), with the reason (audited, on its log). The reporter sees the new date." + doc}, triage,
		func(ctx context.Context, in *disclosureDeadlineInput) (*disclosureOutput, error) {
			at, err := parseTime("at", in.Body.At)
			if err != nil {
				return nil, err
			}
			return change(ctx, in.ID, func() (disclosure.Report, error) {
				return s.Store.SetReportDeadline(ctx, in.ID, disclosure.Deadline(in.Deadline), at, in.Body.Reason, who(ctx).User.Name)
			})
		})
	op(s, api, huma.Operation{OperationID: "add-disclosure-message", Method: http.MethodPost, Path: "/api/v1/disclosures/{id}/messages", Tags: tags,
		Summary:       "Write to the reporter (shown on their status page), or, internal, a note for the team alone (audited, on its log)." + doc,
		DefaultStatus: http.StatusCreated}, triage,
		func(ctx context.Context, in *disclosureMessageInput) (*disclosureEventOutput, error) {
			if _, err := s.visibleReport(ctx, in.ID); err != nil {
				return nil, err
			}
			kind := disclosure.EventReply
			if in.Body.Internal {
				kind = disclosure.EventNote
			}
			e, err := s.Store.AddReportEvent(ctx, in.ID, disclosure.Event{Actor: who(ctx).User.Name, Kind: kind, Text: in.Body.Text})
			if err != nil {
				return nil, reportError(err)
			}
			return &disclosureEventOutput{Body: logEntry(e)}, nil
		})
	op(s, api, huma.Operation{OperationID: "credit-disclosure", Method: http.MethodPost, Path: "/api/v1/disclosures/{id}/credit", Tags: tags,
		Summary: "Confirm the reporter's credit, under the name given or the one they asked for (audited, on its log); confirmed credits of disclosed reports are listed at /api/v1/disclosures/credits." + doc}, triage,
		func(ctx context.Context, in *disclosureCreditInput) (*disclosureOutput, error) {
			return change(ctx, in.ID, func() (disclosure.Report, error) {
				return s.Store.CreditReport(ctx, in.ID, in.Body.Name, who(ctx).User.Name)
			})
		})
	op(s, api, huma.Operation{OperationID: "mark-disclosure", Method: http.MethodPost, Path: "/api/v1/disclosures/{id}/marking", Tags: tags,
		Summary: "Change a report's TLP label, with the reason (audited, on its log). Reports arrive TLP:AMBER." + doc}, triage,
		func(ctx context.Context, in *disclosureMarkingInput) (*disclosureOutput, error) {
			tlp, err := incident.ParseTLP(in.Body.TLP)
			if err != nil {
				return nil, huma.Error422UnprocessableEntity("tlp: " + err.Error())
			}
			return change(ctx, in.ID, func() (disclosure.Report, error) {
				return s.Store.MarkReport(ctx, in.ID, tlp, in.Body.Reason, who(ctx).User.Name)
			})
		})
	op(s, api, huma.Operation{OperationID: "disclosure-incident", Method: http.MethodPost, Path: "/api/v1/disclosures/{id}/incident", Tags: tags,
		Summary: "Link a report to the incident it is handled in, or open one from it (its title, marking and receipt; a category and severity you give), in one transaction, audited and on both logs. Opening an incident needs finding.triage too." + doc}, triage,
		func(ctx context.Context, in *disclosureIncidentInput) (*disclosureOutput, error) {
			if _, err := s.visibleReport(ctx, in.ID); err != nil {
				return nil, err
			}
			b, actor := in.Body, who(ctx).User.Name
			var (
				r      disclosure.Report
				opened *incident.Incident
			)
			switch {
			case b.Incident != 0:
				if b.Category != "" || b.Severity != "" || b.Owner != "" {
					return nil, huma.Error422UnprocessableEntity("incident: link to an incident, or give the category and severity of a new one, not both")
				}
				if _, err := s.visibleIncident(ctx, b.Incident); err != nil {
					return nil, err
				}
				var err error
				if r, err = s.Store.LinkReport(ctx, in.ID, b.Incident, actor); err != nil {
					return nil, reportError(err)
				}
			default:
				if !who(ctx).can(auth.FindingTriage, "") {
					return nil, forbid(who(ctx), auth.FindingTriage, "incidents")
				}
				var (
					x   incident.Incident
					err error
				)
				r, x, err = s.Store.ReportToIncident(ctx, in.ID, incident.Incident{Category: incident.Category(b.Category),
					Severity: incident.Severity(b.Severity), Owner: b.Owner}, actor)
				if err != nil {
					return nil, reportError(err)
				}
				s.announce(ctx, x.ID, incident.MessageNew, x.Title)
				if s.released(ctx, x) {
					opened = &x
				}
			}
			out, err := s.disclosureView(ctx, r)
			if err != nil {
				return nil, err
			}
			out.Body.Incident = opened
			return out, nil
		})
}
