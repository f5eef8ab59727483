package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// FuzzIntake sends the public intake what anyone on the Internet might:
// any bytes, as JSON to the API or as the HTML form's body (with the
// form's valid cookie and token, so that the bytes reach the parser).
// Whatever comes, the answer is one of the statuses for bad input, never
// a 500; and a report taken can be read back through its status link.
func FuzzIntake(f *testing.F) {
	f.Add(false, []byte(`{"title":"SQL injection in /search","description":"q=' OR 1=1 --","wants_credit":true,"credit_name":"Ann"}`))
	f.Add(false, []byte(`{"title":"\u202e","description":"\u0000"}`))
	f.Add(false, []byte(`{"title":"x","description":"y","lang":"fr"}`))
	f.Add(false, []byte(`[]`))
	f.Add(true, []byte("title=XSS&description=%3Csvg+onload%3Dalert(1)%3E&lang=zh-CN&wants_credit=on&reporter_name=%E6%9D%8E"))
	f.Add(true, []byte("title=%ff&description=%00&title=second"))
	f.Add(true, []byte("%zz;&&="))
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	srv := &api.Server{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Intake: api.Intake{Limiter: api.IntakeLimiter(1<<30, nil)}}
	h := srv.Handler()
	do := func(req *http.Request) *httptest.ResponseRecorder {
		req.RemoteAddr = "192.0.2.1:1234"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// The form's cookie and token, once.
	page := do(httptest.NewRequest(http.MethodGet, "/security/report", nil))
	cookie := page.Result().Cookies()
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page.Body.String())
	if len(cookie) != 1 || tok == nil {
		f.Fatalf("form page: cookies %v, token %v", cookie, tok)
	}
	statusOf := regexp.MustCompile(`href="/security/report/(vmcr_[a-z2-7_]+)\?lang=`)
	f.Fuzz(func(t *testing.T, form bool, body []byte) {
		var req *http.Request
		if form {
			req = httptest.NewRequest(http.MethodPost, "/security/report", strings.NewReader(string(body)+"&csrf="+url.QueryEscape(tok[1])))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(cookie[0])
		} else {
			req = httptest.NewRequest(http.MethodPost, "/api/v1/intake", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
		}
		rec := do(req)
		allowed := []int{http.StatusCreated, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}
		if !slices.Contains(allowed, rec.Code) {
			t.Fatalf("form %v, %q: %d %.500s", form, body, rec.Code, rec.Body.String())
		}
		if rec.Code != http.StatusCreated {
			return
		}
		token := ""
		if form {
			if m := statusOf.FindStringSubmatch(rec.Body.String()); m != nil {
				token = m[1]
			}
		} else {
			var rc struct {
				StatusToken string `json:"status_token"`
			}
			json.Unmarshal(rec.Body.Bytes(), &rc)
			token = rc.StatusToken
		}
		if st := do(httptest.NewRequest(http.MethodGet, "/api/v1/intake/"+token, nil)); st.Code != http.StatusOK {
			t.Fatalf("taken, but its status link %q answers %d %.300s", token, st.Code, st.Body.String())
		}
	})
}
