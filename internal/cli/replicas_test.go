package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/cli"
	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
)

// replica is one `vmc serve` process.
type replica struct {
	addr string
	cmd  *exec.Cmd
	log  *syncBuffer
}

// rrClient sends each request to the next replica, and on a connection
// failure once more to the one after: what a load balancer does.
type rrClient struct {
	t        *testing.T
	mu       sync.Mutex
	replicas []*replica
	next     int
	retried  int // requests that needed their one retry
}

type reqOpts struct {
	cookie, csrf string
	body         []byte
	contentType  string
	to           int // replica index, or -1 for round robin
}

func (c *rrClient) do(method, path string, o reqOpts) (int, []byte) {
	c.t.Helper()
	c.mu.Lock()
	i := o.to
	if i < 0 {
		i = c.next
		c.next = (c.next + 1) % len(c.replicas)
	}
	c.mu.Unlock()
	for attempt := 0; attempt < 2; attempt++ {
		r := c.replicas[(i+attempt)%len(c.replicas)]
		req, _ := http.NewRequest(method, "http://"+r.addr+path, bytes.NewReader(o.body))
		if o.cookie != "" {
			req.Header.Set("Cookie", o.cookie)
		}
		if o.csrf != "" {
			req.Header.Set("X-CSRF-Token", o.csrf)
		}
		if o.contentType != "" {
			req.Header.Set("Content-Type", o.contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			if attempt == 0 {
				c.mu.Lock()
				c.retried++
				c.mu.Unlock()
				continue
			}
			c.t.Fatalf("%s %s failed twice: %v", method, path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, b
	}
	panic("unreachable")
}

// TestThreeReplicas runs three `vmc serve` processes on one throwaway
// PostgreSQL, started together on the empty database, behind a
// round-robin client, starts an import of the Go
// vulnerability database (4,291 OSV records from ../shared/data) as a
// job, kills the replica running it with SIGKILL mid-import, and checks
// that the import completes exactly once (on another replica, after a
// retry, with the counts of a single-process import), that no request
// failed more than once, that sessions made on the killed replica work on
// the others, that a periodic job ran once per period, not three
// times, and that the public intake's per-address limit holds over the
// three together.
func TestThreeReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three servers and imports the Go vulnerability database twice")
	}
	input := filepath.Join(sharedData(t), "osv", "Go", "all.zip")
	zip, err := os.ReadFile(input)
	if err != nil {
		t.Fatal(err)
	}
	srv := pgtest.Own(t)
	dsn, err := srv.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	// The finding sweep runs every 3s here, to count its runs.
	const sweepEvery = 3 * time.Second
	start := func() *replica {
		r := &replica{addr: freeAddr(t), log: newSyncBuffer()}
		r.cmd = exec.Command(os.Args[0], "serve", "--addr", r.addr, "--db", dsn, "--no-demo", "--log-format", "json",
			"--data-dir", filepath.Join(t.TempDir(), "data"))
		// A job running longer than this is taken for lost with its
		// replica; the import takes well under it.
		r.cmd.Env = append(os.Environ(), "VMC_RUN_CLI=1", "VMC_JOBS__RESCUE_AFTER=40s", "VMC_JOBS__SWEEP_EVERY="+sweepEvery.String())
		r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			r.cmd.Process.Signal(syscall.SIGTERM)
			r.cmd.Wait()
		})
		return r
	}
	// All three start at once on the empty database: one migrates while
	// the others wait, and one makes the first admin and says its
	// password, which the sessions below sign in with on every replica.
	rs := []*replica{start(), start(), start()}
	for _, r := range rs {
		waitFor(t, "http://"+r.addr+"/readyz", 60*time.Second, r.log)
	}
	began := time.Now()
	var m []string
	for _, r := range rs {
		for _, said := range regexp.MustCompile(`first admin created.*"password":"([^"]+)"`).FindAllStringSubmatch(r.log.String(), -1) {
			if m != nil {
				t.Errorf("a second first admin password: %s after %s", said[1], m[1])
			}
			m = said
		}
	}
	if m == nil {
		t.Fatalf("no first admin password in the logs:\n%s\n%s\n%s", rs[0].log, rs[1].log, rs[2].log)
	}
	c := &rrClient{t: t, replicas: rs}

	// A session on each replica: its cookie and CSRF token.
	type session struct{ cookie, csrf string }
	sessions := make([]session, len(rs))
	for i, r := range rs {
		resp, err := http.Post("http://"+r.addr+"/api/v1/session", "application/json", strings.NewReader(`{"name":"admin","password":"`+m[1]+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			CSRF string `json:"csrf_token"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(resp.Cookies()) == 0 || body.CSRF == "" {
			t.Fatalf("sign in on replica %d: %d", i, resp.StatusCode)
		}
		sessions[i] = session{cookie: resp.Cookies()[0].Name + "=" + resp.Cookies()[0].Value, csrf: body.CSRF}
	}
	admin := sessions[0]

	// A burst of reports to the public intake from one address, all at
	// once and spread over the replicas: exactly the limit per address
	// (disclosure.intake-per-hour, 10 by default) is taken, not 10 per
	// replica.
	const intakeLimit = 10
	intake := make(chan int, 3*intakeLimit)
	var wg sync.WaitGroup
	for i := range cap(intake) {
		wg.Go(func() {
			resp, err := http.Post("http://"+rs[i%len(rs)].addr+"/api/v1/intake", "application/json", strings.NewReader(`{"title":"burst","description":"one of many"}`))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			intake <- resp.StatusCode
		})
	}
	wg.Wait()
	close(intake)
	intakeCodes := map[int]int{}
	for code := range intake {
		intakeCodes[code]++
	}
	if intakeCodes[http.StatusCreated] != intakeLimit || intakeCodes[http.StatusTooManyRequests] != cap(intake)-intakeLimit {
		t.Errorf("%d reports at once over three replicas: %v, want %d created and the rest 429", cap(intake), intakeCodes, intakeLimit)
	}

	code, body := c.do(http.MethodPost, "/api/v1/imports/jobs?file=all.zip", reqOpts{to: -1, cookie: admin.cookie, csrf: admin.csrf,
		body: zip, contentType: "application/octet-stream"})
	var j jobs.Job
	if code != http.StatusAccepted || json.Unmarshal(body, &j) != nil {
		t.Fatalf("import job: %d %.300s", code, body)
	}
	jobPath := fmt.Sprintf("/api/v1/jobs/%d", j.ID)
	get := func() jobs.Job {
		t.Helper()
		code, body := c.do(http.MethodGet, jobPath, reqOpts{to: -1, cookie: admin.cookie})
		var j jobs.Job
		if code != http.StatusOK || json.Unmarshal(body, &j) != nil {
			t.Fatalf("job status: %d %.300s", code, body)
		}
		return j
	}
	// Wait for a replica to be well into the import, then kill it.
	for deadline := time.Now().Add(60 * time.Second); j.State != jobs.Running; time.Sleep(100 * time.Millisecond) {
		if j = get(); time.Now().After(deadline) || j.State.Final() {
			t.Fatalf("import job is %s, want running", j.State)
		}
	}
	// "Well into" is measured, not waited for: the first batch of
	// records committed. A fixed two seconds was enough for the whole
	// import on a quiet machine.
	watch, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var n int
		if err := watch.QueryRow(`SELECT count(*) FROM source_records`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no record stored 60 s into the import (job %s)", get().State)
		}
	}
	j = get()
	victim := -1
	for i, r := range rs {
		if strings.Contains(j.Worker, "/"+r.addr+"/") {
			victim = i
		}
	}
	if victim < 0 {
		t.Fatalf("job runs on %q, none of the replicas", j.Worker)
	}
	if j = get(); j.State != jobs.Running {
		t.Fatalf("import job finished before the kill (%s): make the input larger", j.State)
	}
	rs[victim].cmd.Process.Signal(syscall.SIGKILL)
	rs[victim].cmd.Wait()
	killed := time.Now()
	t.Logf("killed replica %d (%s) %s into the import", victim, rs[victim].addr, killed.Sub(*j.Attempted).Round(time.Millisecond))

	// The killed replica's session works on the others, unsafe methods
	// (CSRF) included: cancelling a job that is not theirs to cancel
	// answers 404, not 403.
	for i := range rs {
		if i == victim {
			continue
		}
		s := sessions[victim]
		if code, body := c.do(http.MethodGet, "/api/v1/me", reqOpts{to: i, cookie: s.cookie}); code != http.StatusOK {
			t.Errorf("killed replica's session on replica %d: %d %.200s", i, code, body)
		}
		if code, body := c.do(http.MethodPost, "/api/v1/jobs/999999/cancel", reqOpts{to: i, cookie: s.cookie, csrf: s.csrf}); code != http.StatusNotFound {
			t.Errorf("killed replica's CSRF token on replica %d: %d %.200s", i, code, body)
		}
	}

	// Meanwhile the client keeps asking, round robin, dead replica
	// included.
	for deadline := time.Now().Add(150 * time.Second); !j.State.Final(); time.Sleep(500 * time.Millisecond) {
		if j = get(); time.Now().After(deadline) {
			t.Fatalf("import job still %s after attempt %d, errors %v", j.State, j.Attempt, j.Errors)
		}
	}
	t.Logf("import job %s on %s after attempt %d, %s after the kill", j.State, j.Worker, j.Attempt, time.Since(killed).Round(time.Second))
	if j.State != jobs.Completed || j.Attempt != 2 || strings.Contains(j.Worker, "/"+rs[victim].addr+"/") {
		t.Errorf("import job = %s after attempt %d on %s, want completed after a second attempt on another replica; errors %v", j.State, j.Attempt, j.Worker, j.Errors)
	}

	// Exactly once: the counts equal a single-process import of the same
	// file into SQLite, and the audit log holds one import.
	single := filepath.Join(t.TempDir(), "single")
	stats := func(db string) string {
		var out, errb bytes.Buffer
		if code := cli.Run(context.Background(), []string{"stats", "--json", "--db", db, "--data-dir", single}, &out, &errb); code != 0 {
			t.Fatalf("stats: %s", errb.String())
		}
		return out.String()
	}
	var errb bytes.Buffer
	if code := cli.Run(context.Background(), []string{"import", input, "--data-dir", single}, io.Discard, &errb); code != 0 {
		t.Fatalf("single-process import: %s", errb.String())
	}
	if got, want := stats(dsn), stats("sqlite://"+filepath.Join(single, "vmc.db")); got != want {
		t.Errorf("after the replicas' import:\n%s\nafter a single-process import:\n%s", got, want)
	}
	code, body = c.do(http.MethodGet, "/api/v1/imports", reqOpts{to: -1, cookie: admin.cookie})
	if n := strings.Count(string(body), `"file":"all.zip"`); code != http.StatusOK || n != 1 {
		t.Errorf("audit log: %d imports of all.zip, want 1 (%d %.300s)", n, code, body)
	}

	// The periodic finding sweep: once per period, not once per replica.
	code, body = c.do(http.MethodGet, "/api/v1/jobs?kind=scheduled&limit=1000", reqOpts{to: -1, cookie: admin.cookie})
	var list struct{ Items []jobs.Job }
	if code != http.StatusOK || json.Unmarshal(body, &list) != nil {
		t.Fatalf("list scheduled jobs: %d %.300s", code, body)
	}
	periods := map[int64]int{}
	sweeps := 0
	for _, sj := range list.Items {
		if !strings.Contains(string(sj.Args), `"finding sweep"`) {
			continue
		}
		sweeps++
		periods[sj.Created.Truncate(sweepEvery).Unix()]++
	}
	elapsed := time.Since(began)
	max := int(elapsed/sweepEvery) + 2
	t.Logf("%d finding sweeps in %s (every %s), %d periods", sweeps, elapsed.Round(time.Second), sweepEvery, len(periods))
	if sweeps < 2 || sweeps > max {
		t.Errorf("%d finding sweeps in %s, want 2 to %d (three replicas each sweeping would make ~%d)", sweeps, elapsed.Round(time.Second), max, 3*int(elapsed/sweepEvery))
	}
	for p, n := range periods {
		if n > 1 {
			t.Errorf("%d finding sweeps in the period starting %s", n, time.Unix(p, 0).UTC())
		}
	}
	if c.retried == 0 {
		t.Error("no request met the killed replica: the test did not test the retry")
	}
	t.Logf("%d requests needed their one retry", c.retried)
}
