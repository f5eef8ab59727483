package api

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/i18n"
)

// The intake as plain HTML pages, for reporters without an API client:
// the form at /security/report, its receipt, and the status page at
// /security/report/{token} with a form to write to the team. They are
// served by the server itself, need no script and no account, speak the
// reporter's language (?lang=, else Accept-Language), and share the
// JSON routes' limits and rules (disclosure.go).
//
// A form with no sign-in still needs protection from other sites: a page
// elsewhere could make its visitors' browsers send reports, spreading a
// flood over many addresses. The forms carry a token derived from a
// cookie the form page sets (auth.CSRFToken over the cookie's random id:
// a signed double-submit cookie), which is SameSite=Strict, so a
// cross-site post arrives without it; and a post whose Origin is another
// host, or which the browser says is cross-site (Sec-Fetch-Site), is
// refused before that.
//
// These pages are not huma operations, so they are not in Routes or the
// OpenAPI document; the JSON routes are.

// intakePage is the form's path; status pages are below it.
const intakePage = "/security/report"

// intakeCookie holds the random id the forms' tokens are derived from.
const intakeCookie = "vmc_intake"

//go:embed intake.html
var intakeHTML string

var intakeTemplates = template.Must(template.New("intake").Parse(intakeHTML))

func (s *Server) registerIntakePages(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/security.txt", s.securityTxt)
	mux.HandleFunc("GET "+intakePage, s.intakeForm)
	mux.HandleFunc("POST "+intakePage, s.intakeSubmit)
	mux.HandleFunc("GET "+intakePage+"/{token}", s.intakeStatus)
	mux.HandleFunc("POST "+intakePage+"/{token}", s.intakeMessage)
}

// SecurityTxtFile returns /.well-known/security.txt as served at now,
// and false when nothing names a contact.
func (in Intake) SecurityTxtFile(now time.Time) (disclosure.SecurityTxt, bool) {
	t := in.SecurityTxt
	t.Contact = slices.Clone(t.Contact)
	t.Canonical = nil
	if base := strings.TrimSuffix(in.PublicURL, "/"); strings.HasPrefix(base, "https://") {
		t.Contact = append(t.Contact, base+intakePage)
		t.Canonical = []string{base + "/.well-known/security.txt"}
	}
	if len(t.PreferredLanguages) == 0 {
		t.PreferredLanguages = []string{"zh", "en"}
	}
	days := in.ExpiryDays
	if days == 0 {
		days = 180
	}
	t.Expires = disclosure.ExpiresAt(now, days)
	return t, len(t.Contact) > 0
}

// securityTxt serves /.well-known/security.txt (RFC 9116), generated
// from the configuration at each request so that Expires moves on.
func (s *Server) securityTxt(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	now := s.now()
	t, ok := s.Intake.SecurityTxtFile(now)
	if !ok {
		http.Error(w, "security.txt is not configured: set disclosure.security-txt.contacts or public-url", http.StatusNotFound)
		return
	}
	if err := t.Validate(now); err != nil {
		s.Log.Error("security.txt", "err", err)
		http.Error(w, "security.txt is misconfigured", http.StatusInternalServerError)
		return
	}
	b, _ := t.MarshalText()
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}

// page is what the intake templates are given.
type page struct {
	Lang  string
	CSRF  string
	Token string // the status link's secret, on a status page
	// Form is what was sent, to fill the form again; Errors say what is
	// wrong with it, by field.
	Form    disclosure.Submission
	Errors  map[string]string
	Problem string
	Receipt *receipt
	Status  *reporterView
}

// T is the message id in the page's language.
func (p page) T(id string, kv ...any) string {
	params := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		params[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return i18n.T(p.Lang, id, params)
}

// OtherLang is the language the page offers to switch to.
func (p page) OtherLang() string {
	if p.Lang == i18n.Langs[0] {
		return i18n.Langs[1]
	}
	return i18n.Langs[0]
}

// Time shows an instant the same way in both languages.
func (page) Time(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// field is one input of the form. The limits are the server's to
// check: a browser's maxlength counts UTF-16 units, not the bytes
// disclosure.MaxTitle and the others count.
type field struct {
	Name, Label, Hint, Value, Error string
	Required                        bool
}

// Field describes the form's input name, with its value and error.
func (p page) Field(name string) field {
	f := field{Name: name, Label: p.T("intake.field." + name), Error: p.Errors[name]}
	if hint := "intake.hint." + name; p.T(hint) != hint {
		f.Hint = p.T(hint)
	}
	switch name {
	case "title":
		f.Value, f.Required = p.Form.Title, true
	case "description":
		f.Value, f.Required = p.Form.Description, true
	case "product":
		f.Value = p.Form.Product
	case "version":
		f.Value = p.Form.Version
	case "reporter_name":
		f.Value = p.Form.ReporterName
	case "reporter_contact":
		f.Value = p.Form.ReporterContact
	case "credit_name":
		f.Value = p.Form.CreditName
	case "text":
		f.Required = true
	}
	return f
}

// StateName is a report's state in the page's language.
func (p page) StateName(st disclosure.State) string { return p.T("intake.state." + string(st)) }

func pageLang(r *http.Request) string {
	l := r.URL.Query().Get("lang")
	if l == "" {
		// Only a form already parsed, within its size limit (admit):
		// PostFormValue would read an unbounded body.
		l = r.PostForm.Get("lang")
	}
	return i18n.Match(l, r.Header.Get("Accept-Language"))
}

// render writes template name with status and the headers every intake
// page carries: no framing, no scripts, no referrer (a status page's URL
// is its secret), nothing cached.
func (s *Server) render(w http.ResponseWriter, status int, name string, p page) {
	var b bytes.Buffer
	if err := intakeTemplates.ExecuteTemplate(&b, name, p); err != nil {
		s.Log.Error("intake page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (s *Server) problemPage(w http.ResponseWriter, status int, lang, msg string) {
	s.render(w, status, "problem", page{Lang: lang, Problem: msg})
}

// formToken returns the token for the forms of this browser, setting
// the cookie it derives from when the browser has none.
func (s *Server) formToken(w http.ResponseWriter, r *http.Request) string {
	id := ""
	if c, err := r.Cookie(intakeCookie); err == nil && len(c.Value) == 43 {
		id = c.Value
	} else {
		b := make([]byte, 32)
		rand.Read(b)
		id = base64.RawURLEncoding.EncodeToString(b)
	}
	// Set again each time: the cookie lives as long as a form is likely
	// to stay open.
	http.SetCookie(w, &http.Cookie{Name: intakeCookie, Value: id, Path: intakePage, MaxAge: int((12 * time.Hour).Seconds()),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteStrictMode})
	return auth.CSRFToken(s.CSRFKey, id)
}

// sameSite reports whether a post comes from vmc's own page: not marked
// cross-site by the browser, and with no Origin, or the request's own.
// The intake pages' referrer policy (no-referrer) makes browsers send
// "Origin: null" with their own forms (Fetch, "serialize a request
// origin"); such a post is taken as the page's own only when the browser
// says it is same-origin (Sec-Fetch-Site).
func sameSite(r *http.Request) bool {
	site := r.Header.Get("Sec-Fetch-Site")
	if site == "cross-site" {
		return false
	}
	if o := r.Header.Get("Origin"); o == "null" {
		return site == "same-origin"
	} else if o != "" {
		u, err := url.Parse(o)
		return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
	}
	return true
}

func (s *Server) checkFormToken(r *http.Request) bool {
	c, err := r.Cookie(intakeCookie)
	return err == nil && sameSite(r) && auth.CheckCSRF(s.CSRFKey, c.Value, r.PostForm.Get("csrf"))
}

// allowed reports whether the client's address may use the intake now,
// writing the problem page when it may not. With count, this request is
// counted against the address (takeIntake).
func (s *Server) allowed(w http.ResponseWriter, r *http.Request, count bool) bool {
	var (
		ok   bool
		wait time.Duration
	)
	if count {
		ok, wait = s.takeIntake(r.Context(), r.RemoteAddr)
	} else {
		ok, wait = s.intakeLimiter().Allow(intakeKey(r.RemoteAddr), s.now())
	}
	if !ok {
		lang := pageLang(r)
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		s.problemPage(w, http.StatusTooManyRequests, lang, i18n.T(lang, "intake.tooMany", map[string]any{"wait": wait.Round(time.Minute).String()}))
	}
	return ok
}

// admit applies the intake's limits to a post from a page: the address's
// rate (counting this post), the body's size, which it reads, and the
// form's token. It writes the problem page and returns false when the
// post goes no further.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, limit int64) bool {
	if !s.allowed(w, r, true) {
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		lang := pageLang(r)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.problemPage(w, http.StatusRequestEntityTooLarge, lang, i18n.T(lang, "intake.tooLarge", nil))
		} else {
			s.problemPage(w, http.StatusBadRequest, lang, i18n.T(lang, "intake.badForm", nil))
		}
		return false
	}
	if !s.checkFormToken(r) {
		lang := pageLang(r)
		s.problemPage(w, http.StatusForbidden, lang, i18n.T(lang, "intake.expired", nil))
		return false
	}
	return true
}

// withRemote is r's context with its client address, as huma puts it
// in an operation's (remoteAddr).
func withRemote(r *http.Request) context.Context {
	return context.WithValue(r.Context(), remoteKey{}, r.RemoteAddr)
}

func (s *Server) intakeForm(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	s.render(w, http.StatusOK, "form", page{Lang: lang, CSRF: s.formToken(w, r), Form: disclosure.Submission{Lang: lang}})
}

// formSubmission reads the form's fields. A checkbox is ticked by any
// value; a field sent twice counts once, as its first value.
func formSubmission(v url.Values) disclosure.Submission {
	return disclosure.Submission{Title: v.Get("title"), Description: v.Get("description"), Product: v.Get("product"),
		Version: v.Get("version"), ReporterName: v.Get("reporter_name"), ReporterContact: v.Get("reporter_contact"),
		WantsCredit: v.Get("wants_credit") != "", CreditName: v.Get("credit_name"), Lang: v.Get("lang")}
}

// fieldMessages says each field error in lang, by field.
func fieldMessages(lang string, err error) map[string]string {
	out := map[string]string{}
	for _, fe := range disclosure.FieldErrors(err) {
		if _, seen := out[fe.Field]; seen {
			continue
		}
		id := "intake.err." + fe.Rule
		msg := i18n.T(lang, id, map[string]any{"limit": fe.Limit})
		if msg == id {
			msg = fe.Msg
		}
		out[fe.Field] = msg
	}
	return out
}

func (s *Server) intakeSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.admit(w, r, maxIntakeBody) {
		return
	}
	lang := pageLang(r)
	sub := formSubmission(r.PostForm)
	if !slices.Contains(disclosure.Langs, sub.Lang) {
		sub.Lang = lang
	}
	rc, err := s.submit(r.Context(), sub)
	if err != nil {
		if fes := disclosure.FieldErrors(err); len(fes) > 0 {
			s.render(w, http.StatusUnprocessableEntity, "form", page{Lang: lang, CSRF: s.formToken(w, r), Form: sub,
				Errors: fieldMessages(lang, err), Problem: i18n.T(lang, "intake.fix", nil)})
			return
		}
		s.Log.Error("intake", "err", err)
		s.problemPage(w, http.StatusInternalServerError, lang, i18n.T(lang, "intake.failed", nil))
		return
	}
	s.render(w, http.StatusCreated, "receipt", page{Lang: lang, Receipt: &rc})
}

// statusPage renders the status page of token's report, with msgErr
// beside the message form.
func (s *Server) statusPage(w http.ResponseWriter, r *http.Request, status int, text, msgErr string) {
	lang := pageLang(r)
	token := r.PathValue("token")
	rep, err := s.reportByToken(withRemote(r), token)
	if err != nil {
		s.problemPage(w, http.StatusNotFound, lang, i18n.T(lang, "intake.noStatus", nil))
		return
	}
	v, err := s.reporterView(r.Context(), rep)
	if err != nil {
		s.Log.Error("intake status", "err", err)
		s.problemPage(w, http.StatusInternalServerError, lang, i18n.T(lang, "intake.failed", nil))
		return
	}
	p := page{Lang: lang, CSRF: s.formToken(w, r), Token: token, Status: &v, Form: disclosure.Submission{Description: text}}
	if msgErr != "" {
		p.Errors = map[string]string{"text": msgErr}
	}
	s.render(w, status, "status", p)
}

func (s *Server) intakeStatus(w http.ResponseWriter, r *http.Request) {
	if s.allowed(w, r, false) {
		s.statusPage(w, r, http.StatusOK, "", "")
	}
}

func (s *Server) intakeMessage(w http.ResponseWriter, r *http.Request) {
	if !s.admit(w, r, maxMessageBody) {
		return
	}
	lang := pageLang(r)
	rep, err := s.reportByToken(withRemote(r), r.PathValue("token"))
	if err != nil {
		s.problemPage(w, http.StatusNotFound, lang, i18n.T(lang, "intake.noStatus", nil))
		return
	}
	text := r.PostForm.Get("text")
	_, err = s.Store.AddReportEvent(r.Context(), rep.ID, disclosure.Event{Actor: rep.Actor(), Kind: disclosure.EventReporter, Text: text})
	if err != nil {
		if fes := disclosure.FieldErrors(err); len(fes) > 0 {
			s.statusPage(w, r, http.StatusUnprocessableEntity, text, fieldMessages(lang, err)["text"])
			return
		}
		s.Log.Error("intake message", "err", err)
		s.problemPage(w, http.StatusInternalServerError, lang, i18n.T(lang, "intake.failed", nil))
		return
	}
	// Post, redirect, get: reloading the page does not send it again.
	http.Redirect(w, r, intakePage+"/"+url.PathEscape(r.PathValue("token"))+"?lang="+url.QueryEscape(lang)+"#messages", http.StatusSeeOther)
}
