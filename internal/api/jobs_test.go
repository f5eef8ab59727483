package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/jobs"
)

// TestImportJob uploads the Go vulnerability database
// (../shared/data/osv/Go) as a job and follows its status to the report;
// the counts are those of the synchronous import (TestImportAdvisories).
func TestImportJob(t *testing.T) {
	f := newFixture(t)
	reg := &jobs.Registry{}
	f.api.RegisterJobs(reg)
	q := &jobs.Local{Table: f.store, Registry: reg, Poll: 50 * time.Millisecond}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
	f.api.Jobs = q
	rec, err := os.ReadFile(filepath.Join(feedtest.SharedData(t, "osv/Go"), "all.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/imports/jobs?file=all.zip", f.tokens[auth.Owner], string(rec), "Content-Type", "application/octet-stream"); code != http.StatusForbidden {
		t.Errorf("owner importing advisories: %d %.200s", code, body)
	}
	follow := func(file, body string) jobs.Job {
		t.Helper()
		code, out := f.do(t, nil, http.MethodPost, "/api/v1/imports/jobs?file="+file, f.tokens[auth.Analyst], body, "Content-Type", "application/octet-stream")
		var j jobs.Job
		if code != http.StatusAccepted || json.Unmarshal([]byte(out), &j) != nil || j.Kind != "import" {
			t.Fatalf("import job: %d %.300s", code, out)
		}
		for deadline := time.Now().Add(2 * time.Minute); !j.State.Final(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("job %d still %s", j.ID, j.State)
			}
			code, out = f.do(t, nil, http.MethodGet, "/api/v1/jobs/"+itoa(j.ID), f.tokens[auth.Analyst], "")
			if code != http.StatusOK || json.Unmarshal([]byte(out), &j) != nil {
				t.Fatalf("job status: %d %.300s", code, out)
			}
		}
		return j
	}
	j := follow("all.zip", string(rec))
	if j.State != jobs.Completed || !strings.Contains(string(j.Output), `"new":4291`) || j.By != "analyst-user" {
		t.Errorf("import job = %s by %q, output %.300s", j.State, j.By, j.Output)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/vulns/GO-2020-0001", f.tokens[auth.Analyst], ""); code != http.StatusOK {
		t.Errorf("imported record: %d", code)
	}
	junk := follow("junk.json", `{"not": "an advisory"}`)
	if junk.State != jobs.Completed || !strings.Contains(string(junk.Output), `junk.json`) || junk.Attempt != 1 {
		t.Errorf("an unreadable file: %s after %d attempts, output %.300s", junk.State, junk.Attempt, junk.Output)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/jobs/"+itoa(j.ID)+"/cancel", f.tokens[auth.Analyst], ""); code != http.StatusConflict {
		t.Errorf("cancel a completed job: %d %.200s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/jobs/999999", f.tokens[auth.Analyst], ""); code != http.StatusNotFound {
		t.Errorf("no such job: %d %.200s", code, body)
	}
	code, body := f.do(t, nil, http.MethodGet, "/api/v1/jobs?state=completed&kind=import", f.tokens[auth.Admin], "")
	if code != http.StatusOK || !strings.Contains(body, `"completed":2`) || strings.Count(body, `"kind":"import"`) != 2 {
		t.Errorf("list: %d %.400s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/jobs?state=lost", f.tokens[auth.Admin], ""); code != http.StatusUnprocessableEntity {
		t.Errorf("list by an unknown state: %d %.200s", code, body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
