package notify

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/i18n"
	"github.com/vmc-dev/vmc/internal/incident"
)

// The messages' words are in the server's catalogues
// (internal/i18n/locales/api), under "notify.": one subject and one
// opening sentence per kind, the TLP 2.0 sharing rule of each label,
// and the lines that describe the incident.

// letter is one message as written to one stakeholder.
type letter struct {
	in      incident.Incident
	st      incident.Stakeholder
	d       incident.Delivery
	label   incident.TLP
	embargo *incident.Embargo // the latest embargo still on when sent
}

// newLetter gathers what a message to st says about in.
func newLetter(in incident.Incident, st incident.Stakeholder, d incident.Delivery, now time.Time) letter {
	ms := markings(in, d.Marking)
	l := letter{in: in, st: st, d: d, label: incident.Label(ms)}
	for _, m := range ms {
		if e := m.Embargo; e != nil && now.Before(e.Until) && (l.embargo == nil || e.Until.After(l.embargo.Until)) {
			l.embargo = e
		}
	}
	return l
}

// markings are the disclosure controls a message carries: its
// incident's, and its own.
func markings(in incident.Incident, own *incident.Marking) []incident.Marking {
	ms := []incident.Marking{in.Marking}
	if own != nil {
		ms = append(ms, *own)
	}
	return ms
}

func (l letter) lang() string {
	if l.st.Lang == "" {
		return i18n.Langs[0]
	}
	return l.st.Lang
}

func (l letter) t(id string, params map[string]any) string { return i18n.T(l.lang(), id, params) }

func (l letter) state() string { return l.t("notify.state."+string(l.in.State), nil) }

// Subject is the subject line: the label first, as TLP 2.0 asks of an
// e-mail, so that it shows before the message is opened.
func (l letter) Subject() string {
	return l.t("notify.subject."+string(l.d.Kind), map[string]any{
		"tlp": string(l.label), "id": l.in.ID, "title": l.in.Title, "state": l.state(), "level": l.d.Level,
	})
}

// Body is the plain-text body: the label and its sharing rule, what
// happened, the sender's text, the incident, and why the stakeholder
// gets it.
func (l letter) Body() string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line(l.t("notify.tlp."+string(l.label), nil))
	line("")
	line(l.t("notify.intro."+string(l.d.Kind), map[string]any{"state": l.state(), "level": l.d.Level, "actor": l.d.Actor}))
	if text := strings.TrimSpace(l.d.Text); text != "" {
		line("")
		line(text)
	}
	line("")
	line(l.t("notify.line.incident", map[string]any{"id": l.in.ID, "title": l.in.Title}))
	line(l.t("notify.line.category", map[string]any{"category": l.t("notify.category."+string(l.in.Category), nil)}))
	line(l.t("notify.line.severity", map[string]any{"severity": l.t("sev."+string(l.in.Severity), nil)}))
	line(l.t("notify.line.state", map[string]any{"state": l.state()}))
	line(l.t("notify.line.detected", map[string]any{"detected": l.in.Detected.UTC().Format(time.RFC3339)}))
	if l.embargo != nil {
		line(l.t("notify.line.embargo", map[string]any{"until": l.embargo.Until.UTC().Format(time.RFC3339)}))
	}
	line("")
	line("-- ")
	line(l.t("notify.footer", map[string]any{"role": l.t("notify.role."+string(l.st.Role), nil), "id": l.in.ID, "name": l.st.Name,
		"delivery": l.d.ID}))
	return b.String()
}

// Mail is the letter as an e-mail. domain is the right side of its
// Message-ID.
func (l letter) Mail(domain string, now time.Time) Mail {
	id := strconv.FormatInt(l.d.ID, 10)
	return Mail{
		To: mailAddress(l.st.Name, l.d.Address), Subject: l.Subject(), Body: l.Body(), Lang: l.lang(), Date: now,
		ID: "delivery-" + id + ".incident-" + strconv.FormatInt(l.in.ID, 10) + "@" + domain,
		Headers: map[string]string{
			"X-Vmc-Incident": strconv.FormatInt(l.in.ID, 10), "X-Vmc-Delivery": id, "X-Vmc-Event": string(l.d.Kind),
			"X-Vmc-TLP": "TLP:" + string(l.label),
		},
	}
}

// Payload is the JSON body of a webhook call.
type Payload struct {
	Delivery int64                `json:"delivery"`
	Kind     incident.MessageKind `json:"kind"`
	Level    int                  `json:"level,omitempty"`
	// TLP is the label the receiver must keep to, Embargo when it may
	// share it with anyone the embargo does not name.
	TLP      incident.TLP `json:"tlp"`
	Embargo  *time.Time   `json:"embargo_until,omitempty"`
	Lang     string       `json:"lang"`
	Sent     time.Time    `json:"sent"`
	Incident struct {
		ID       int64             `json:"id"`
		Title    string            `json:"title"`
		Category incident.Category `json:"category"`
		Severity incident.Severity `json:"severity"`
		State    incident.State    `json:"state"`
		Detected time.Time         `json:"detected"`
	} `json:"incident"`
	// Subject and Text are the message as an e-mail would say it, in
	// Lang.
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// Payload is the letter as a webhook's body.
func (l letter) Payload(now time.Time) ([]byte, error) {
	p := Payload{Delivery: l.d.ID, Kind: l.d.Kind, Level: l.d.Level, TLP: l.label, Lang: l.lang(), Sent: now.UTC(),
		Subject: l.Subject(), Text: l.Body()}
	if l.embargo != nil {
		u := l.embargo.Until.UTC()
		p.Embargo = &u
	}
	p.Incident.ID, p.Incident.Title, p.Incident.Category = l.in.ID, l.in.Title, l.in.Category
	p.Incident.Severity, p.Incident.State, p.Incident.Detected = l.in.Severity, l.in.State, l.in.Detected.UTC()
	return json.Marshal(p)
}
