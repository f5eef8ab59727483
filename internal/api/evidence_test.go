package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// upload sends content as evidence on incident id with the query q, and
// returns the status and body.
func (f *fixture) upload(t *testing.T, token string, id int64, q url.Values, content io.Reader, contentType string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/incidents/%d/evidence?%s", f.srv.URL, id, q.Encode()), content)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// addEvidence uploads content and returns the new evidence's id.
func (f *fixture) addEvidence(t *testing.T, token string, id int64, name, tlp, content string) int64 {
	t.Helper()
	code, got := f.upload(t, token, id, url.Values{"name": {name}, "tlp": {tlp}, "reason": {"collected from " + name}}, strings.NewReader(content), "text/plain")
	var out struct {
		ID int64 `json:"id"`
	}
	if code != http.StatusCreated || json.Unmarshal([]byte(got), &out) != nil || out.ID == 0 {
		t.Fatalf("upload %s: %d %.400s", name, code, got)
	}
	return out.ID
}

// post sends a JSON body and returns the whole response, for the routes
// that answer with a file.
func (f *fixture) post(t *testing.T, token, path, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestEvidence takes evidence in through the API and uses it: each
// download and export re-hashes, says why, and is in the chain of
// custody; the marking decides who sees what; an exported bundle
// verifies.
func TestEvidence(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	analyst, owner, auditor := f.tokens[auth.Analyst], f.tokens[auth.Owner], f.tokens[auth.Auditor]
	in := f.reportIncident(t, analyst, incidentBody("Webshell on shop-web", "AMBER", ""))

	const accessLog = "10.9.8.7 - - [20/Nov/2026:08:14:03 +0000] \"GET /uploads/cmd.jsp?c=id HTTP/1.1\" 200 41\n"
	amber := f.addEvidence(t, analyst, in, "access.log", "amber", accessLog)
	red := f.addEvidence(t, analyst, in, "memory-excerpt.bin", "", "MZ\x90\x00 not for owners")

	// Uploads that cannot be kept say which field is wrong.
	for _, tc := range []struct {
		name   string
		q      url.Values
		body   string
		status int
		says   string
	}{
		{"no name", url.Values{}, "x", http.StatusUnprocessableEntity, "name"},
		{"a path", url.Values{"name": {"../../etc/passwd"}}, "x", http.StatusUnprocessableEntity, `name \"../../etc/passwd\": a path`},
		{"empty", url.Values{"name": {"x.log"}}, "", http.StatusUnprocessableEntity, "content: empty"},
		{"bad label", url.Values{"name": {"x.log"}, "tlp": {"purple"}}, "x", http.StatusUnprocessableEntity, `tlp: unknown TLP label \"purple\"`},
		{"embargo without a date", url.Values{"name": {"x.log"}, "embargo_reason": {"CVD"}}, "x", http.StatusUnprocessableEntity, "they need embargo_until"},
		{"bad date", url.Values{"name": {"x.log"}, "embargo_until": {"soon"}}, "x", http.StatusUnprocessableEntity, "embargo_until"},
	} {
		if code, got := f.upload(t, analyst, in, tc.q, strings.NewReader(tc.body), ""); code != tc.status || !strings.Contains(got, tc.says) {
			t.Errorf("%s: %d %.300s; want %d saying %s", tc.name, code, got, tc.status, tc.says)
		}
	}
	if code, _ := f.upload(t, analyst, 99, url.Values{"name": {"x.log"}}, strings.NewReader("x"), ""); code != http.StatusNotFound {
		t.Errorf("upload to no incident: %d", code)
	}
	if code, _ := f.upload(t, auditor, in, url.Values{"name": {"x.log"}}, strings.NewReader("x"), ""); code != http.StatusForbidden {
		t.Errorf("upload by an auditor: %d", code)
	}

	// The owner (cleared for AMBER) collects TLP:RED evidence: it is
	// kept, and not shown back to them.
	code, got := f.upload(t, owner, in, url.Values{"name": {"screenshot.png"}, "tlp": {"RED"}}, strings.NewReader("\x89PNG"), "image/png")
	if code != http.StatusCreated || !strings.Contains(got, `"withheld":"withheld: TLP:RED is beyond owner-user's clearance (TLP:AMBER)"`) || strings.Contains(got, `"evidence"`) {
		t.Errorf("upload of TLP:RED by an owner: %d %s", code, got)
	}

	list := func(token string) []int64 {
		code, got := f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/evidence", in), token, "")
		var out struct {
			Items []incident.Evidence `json:"items"`
		}
		if code != http.StatusOK || json.Unmarshal([]byte(got), &out) != nil {
			t.Fatalf("list: %d %s", code, got)
		}
		var ids []int64
		for _, ev := range out.Items {
			ids = append(ids, ev.ID)
		}
		return ids
	}
	if got := list(analyst); fmt.Sprint(got) != fmt.Sprint([]int64{amber, red, red + 1}) {
		t.Errorf("the analyst sees %v", got)
	}
	if got := list(owner); fmt.Sprint(got) != fmt.Sprint([]int64{amber}) {
		t.Errorf("the owner sees %v, want only the AMBER evidence", got)
	}

	// Withheld evidence is not found, whatever one does with it.
	for _, req := range []struct{ method, path, body string }{
		{http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/evidence/%d", in, red), ""},
		{http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/evidence/%d/download", in, red), `{"reason":"curious"}`},
		{http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/evidence/%d/transfers", in, red), `{"to":"press","reason":"x"}`},
		{http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/evidence/bundle", in), fmt.Sprintf(`{"reason":"x","evidence":[%d,%d]}`, amber, red)},
	} {
		if code, got := f.do(t, nil, req.method, req.path, owner, req.body); code != http.StatusNotFound || !strings.Contains(got, fmt.Sprintf("evidence %d: not found", red)) {
			t.Errorf("owner %s %s: %d %s", req.method, req.path, code, got)
		}
	}
	// Evidence of another incident is not found under this one.
	other := f.reportIncident(t, analyst, incidentBody("Phishing mail", "GREEN", ""))
	if code, _ := f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/evidence/%d", other, amber), analyst, ""); code != http.StatusNotFound {
		t.Errorf("evidence under the wrong incident: %d", code)
	}

	// A download needs a reason; one with a reason is served whole with
	// its digest, and is in the chain of custody.
	download := fmt.Sprintf("/api/v1/incidents/%d/evidence/%d/download", in, amber)
	if code, got := f.do(t, nil, http.MethodPost, download, owner, `{}`); code != http.StatusUnprocessableEntity || !strings.Contains(got, "reason") {
		t.Errorf("download without a reason: %d %s", code, got)
	}
	if code, got := f.do(t, nil, http.MethodPost, download, owner, `{"reason":"   "}`); code != http.StatusUnprocessableEntity || !strings.Contains(got, "reason: empty (say why it was accessed)") {
		t.Errorf("download with a blank reason: %d %s", code, got)
	}
	resp, body := f.post(t, owner, download, `{"reason":"which of our hosts were probed"}`)
	sum := sha256Hex(accessLog)
	if resp.StatusCode != http.StatusOK || string(body) != accessLog || resp.Header.Get("Content-Type") != "text/plain" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename=access.log` || resp.Header.Get("Repr-Digest") != "sha-256=:"+b64Hex(t, sum)+":" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	if code, got := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/evidence/%d/transfers", in, amber), analyst,
		`{"to":"Police, cybercrime unit","reason":"criminal complaint 2026-4411"}`); code != http.StatusCreated || !strings.Contains(got, `"action":"transferred"`) {
		t.Errorf("transfer: %d %s", code, got)
	}
	if code, got := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/evidence/%d/transfers", in, amber), auditor,
		`{"to":"x","reason":"y"}`); code != http.StatusForbidden {
		t.Errorf("transfer by an auditor: %d %s", code, got)
	}
	if code, got := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/evidence/%d/transfers", in, amber), analyst,
		`{"to":"x"}`); code != http.StatusUnprocessableEntity || !strings.Contains(got, "reason") {
		t.Errorf("transfer without a reason: %d %s", code, got)
	}

	// The bundle: the caller is its recipient, so the owner's holds what
	// they may see; it verifies, and its manifest hash is what the chain
	// of custody records.
	resp, body = f.post(t, owner, fmt.Sprintf("/api/v1/incidents/%d/evidence/bundle", in), `{"reason":"offline analysis"}`)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("bundle: %d %s", resp.StatusCode, body)
	}
	rep, err := incident.VerifyBundle(bytes.NewReader(body), int64(len(body)))
	if err != nil || !rep.Intact() {
		t.Fatalf("bundle not intact: %v %v", rep.Problems(), err)
	}
	m := rep.Manifest
	if len(m.Files) != 1 || m.Files[0].ID != amber || m.ExportedBy != "owner-user" || m.Recipient != "owner-user" || m.Clearance != incident.Amber ||
		m.Reason != "offline analysis" || rep.ManifestSHA256 != resp.Header.Get("Vmc-Manifest-Sha256") {
		t.Errorf("manifest: %+v (sha256 %s, header %s)", m, rep.ManifestSHA256, resp.Header.Get("Vmc-Manifest-Sha256"))
	}
	if code, got := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/evidence/bundle", other), analyst, `{"reason":"x"}`); code != http.StatusUnprocessableEntity ||
		!strings.Contains(got, "no evidence released to you") {
		t.Errorf("bundle of nothing: %d %s", code, got)
	}

	code, got = f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/evidence/%d", in, amber), auditor, "")
	var view struct {
		Evidence incident.Evidence       `json:"evidence"`
		Custody  []incident.CustodyEvent `json:"custody"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(got), &view) != nil {
		t.Fatalf("show: %d %s", code, got)
	}
	var entries []string
	for _, e := range view.Custody {
		entries = append(entries, fmt.Sprintf("%s %s %s|%s|%s", e.Action, e.Actor, e.Reason, e.To, e.SHA256))
	}
	want := []string{
		"collected analyst-user collected from access.log||" + sum,
		"accessed owner-user which of our hosts were probed||",
		"transferred analyst-user criminal complaint 2026-4411|Police, cybercrime unit|",
		"exported owner-user offline analysis|owner-user|" + rep.ManifestSHA256,
	}
	if view.Evidence.SHA256 != sum || strings.Join(entries, "\n") != strings.Join(want, "\n") {
		t.Errorf("custody:\n%s\nwant\n%s", strings.Join(entries, "\n"), strings.Join(want, "\n"))
	}
	if err := incident.CheckCustody(view.Evidence, view.Custody); err != nil {
		t.Error(err)
	}

	// Someone with the database file rewrites the log behind vmc's back.
	db := f.store.(interface{ DB() *sql.DB }).DB()
	for _, stmt := range []string{`DROP TRIGGER evidence_chunks_no_update`, `UPDATE evidence_chunks SET data = CAST('10.0.0.1 nothing to see' AS BLOB)`} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	resp, body = f.post(t, analyst, download, `{"reason":"second look"}`)
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(string(body), "nothing to see") ||
		!strings.Contains(string(body), fmt.Sprintf("evidence %d (access.log): content does not match its SHA-256 taken at intake", amber)) {
		t.Errorf("download of forged content: %d %s", resp.StatusCode, body)
	}
	resp, body = f.post(t, analyst, fmt.Sprintf("/api/v1/incidents/%d/evidence/bundle", in), `{"reason":"again"}`)
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(body), "content does not match") {
		t.Errorf("bundle of forged content: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+download, strings.NewReader(`{"reason":"第三次查看"}`))
	req.Header.Set("Authorization", "Bearer "+analyst)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "zh-CN")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "证据与收集时记录的 SHA-256 不再一致") {
			t.Errorf("the failed check in Chinese: %s", b)
		}
	}
	log, err := f.store.CustodyLog(ctx, amber)
	if err != nil || len(log) != len(want) {
		t.Errorf("refused downloads were logged as accesses: %+v, %v", log, err)
	}
	audits, err := f.store.AuditOf(ctx, fmt.Sprintf("incident:%d", in))
	if err != nil {
		t.Fatal(err)
	}
	var tampered int
	for _, e := range audits {
		if e.Action == "incident.evidence.tampered" {
			tampered++
		}
	}
	if tampered != 3 {
		t.Errorf("%d failed checks in the audit log, want 3 (two downloads, one bundle)", tampered)
	}
}

func sha256Hex(s string) string { return incidentSum([]byte(s)) }

func incidentSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func b64Hex(t *testing.T, h string) string {
	t.Helper()
	b, err := hex.DecodeString(h)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// counting counts what is read through it.
type counting struct {
	r io.Reader
	n atomic.Int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// endless reads as endless bytes without allocating them.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'A'
	}
	return len(p), nil
}

// TestEvidenceTooLarge: an upload over 100 MiB is refused with 413. A
// declared length over the limit is refused before the body is read; a
// body with no length (chunked) is read one byte past the limit and no
// further, and never held in memory whole.
func TestEvidenceTooLarge(t *testing.T) {
	f := newFixture(t)
	analyst := f.tokens[auth.Analyst]
	in := f.reportIncident(t, analyst, incidentBody("Disk image offered as evidence", "RED", ""))
	path := fmt.Sprintf("%s/api/v1/incidents/%d/evidence?name=disk.img", f.srv.URL, in)

	send := func(body *counting, length int64) (int, string) {
		req, err := http.NewRequest(http.MethodPost, path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = length
		req.Header.Set("Authorization", "Bearer "+analyst)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	// What the client could write before the server's answer stopped it
	// is bounded by socket buffers and the 256 KiB the server drains, not
	// by the body: far below the body's 100 MiB.
	const slack = 32 << 20
	declared := &counting{r: endless{}}
	code, got := send(declared, incident.MaxEvidence+1)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(got, "disk.img: 104857601 bytes: evidence is at most 100 MiB") {
		t.Errorf("declared too large: %d %s", code, got)
	}
	if n := declared.n.Load(); n > slack {
		t.Errorf("declared too large: the client wrote %d bytes before the refusal", n)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	chunked := &counting{r: endless{}}
	code, got = send(chunked, -1)
	runtime.ReadMemStats(&after)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(got, "evidence too large: disk.img is larger than 100 MiB") {
		t.Errorf("chunked too large: %d %s", code, got)
	}
	if n := chunked.n.Load(); n < incident.MaxEvidence || n > incident.MaxEvidence+slack {
		t.Errorf("chunked too large: the client wrote %d bytes; the server reads %d and stops", n, incident.MaxEvidence+1)
	}
	// Everything allocated while 100 MiB went through, client and server:
	// buffers, not the body.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("%d MiB allocated while uploading 100 MiB: the body is being buffered", alloc>>20)
	} else {
		t.Logf("%.1f MiB allocated while 100 MiB were uploaded and refused", float64(alloc)/(1<<20))
	}
	if evs, err := f.store.ListEvidence(context.Background(), in); err != nil || len(evs) != 0 {
		t.Errorf("refused uploads left %d evidence (%v)", len(evs), err)
	}
}

// FuzzEvidenceUpload sends uploads with arbitrary parameters and
// content: none makes the server fail (5xx) or panic, and whatever it
// takes in is the content sent, byte for byte.
func FuzzEvidenceUpload(f *testing.F) {
	f.Add("access.log", "AMBER", "", "text/plain", "", []byte("GET / HTTP/1.1\n"))
	f.Add("../x", "purple", "2026-12-01T00:00:00Z", "text/", "CVD", []byte{})
	f.Add("advisory-draft.md", "amber", "2999-12-01T00:00:00Z", "text/markdown", "CVD", []byte("# draft"))
	f.Add("日志.txt", "tlp:amber+strict", "soon", "application/vnd.tcpdump.pcap", "", []byte{0xd4, 0xc3, 0xb2, 0xa1})
	f.Add("a\x00b", "", "", "multipart/form-data; boundary=x", "r", []byte("--x\r\n"))
	s, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	token := fuzzUser(f, s)
	srv := httptest.NewServer((&api.Server{Store: s, Matcher: &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer srv.Close()
	in, err := s.PutIncident(context.Background(), incident.Incident{Title: "fuzz", Category: incident.Other, Severity: incident.SevLow,
		Marking: incident.Marking{TLP: incident.Red}, Detected: time.Now()}, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, tlp, until, contentType, why string, content []byte) {
		q := url.Values{"name": {name}, "tlp": {tlp}, "embargo_until": {until}, "embargo_reason": {why}, "reason": {why}}
		req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/incidents/%d/evidence?%s", srv.URL, in.ID, q.Encode()), bytes.NewReader(content))
		if err != nil {
			t.Skip()
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if contentType != "" && !strings.ContainsAny(contentType, "\r\n\x00") {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Skip() // a header the client refuses to send
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusBadRequest, http.StatusUnprocessableEntity:
			return
		case http.StatusCreated:
		default:
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		var out struct {
			ID       int64              `json:"id"`
			Evidence *incident.Evidence `json:"evidence"`
			Withheld string             `json:"withheld"`
		}
		if err := json.Unmarshal(b, &out); err != nil || (out.Evidence == nil) == (out.Withheld == "") {
			t.Fatalf("created: %s (%v)", b, err)
		}
		// An embargo naming nobody withholds it from its uploader too:
		// read what was kept from the store.
		ev, err := s.Evidence(context.Background(), out.ID)
		if err != nil || ev.Size != int64(len(content)) || ev.SHA256 != incidentSum(content) || ev.Name != name {
			t.Fatalf("kept %+v for %d bytes named %q (%v)", ev, len(content), name, err)
		}
	})
}

// fuzzUser makes an analyst with a token in s and returns the token.
func fuzzUser(f *testing.F, s store.Store) string {
	ctx := context.Background()
	u, err := s.PutUser(ctx, auth.User{Name: "fuzz-analyst", Role: auth.Analyst}, "", "test")
	if err != nil {
		f.Fatal(err)
	}
	plain, id, hash := auth.NewToken(auth.TokenPrefix)
	now := time.Now().UTC()
	if err := s.PutToken(ctx, auth.Token{ID: id, User: u.Name, Name: "fuzz", Scopes: auth.Scopes, Created: now, Expires: now.Add(24 * time.Hour)}, hash, "test"); err != nil {
		f.Fatal(err)
	}
	return plain
}
