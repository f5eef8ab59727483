package telemetry

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/ingest"
)

// Metrics holds vmc's collectors in a registry of its own (not the
// process-wide default, so that tests and several servers in one process
// do not share counts).
type Metrics struct {
	reg *prometheus.Registry

	imports        *prometheus.CounterVec
	importRecords  prometheus.Counter
	importRejected prometheus.Counter
	importDuration prometheus.Histogram
	rematched      prometheus.Counter
	matches        prometheus.Counter
	opened         prometheus.Counter
	http           *prometheus.HistogramVec
	jobRuns        *prometheus.CounterVec
	jobDuration    *prometheus.HistogramVec

	mu   sync.Mutex
	jobs []*jobState
}

var (
	_ ingest.Observer = (*Metrics)(nil)
)

// New makes the collectors and registers them with Go's and the
// process's own.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.imports = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vmc_imports_total",
		Help: "Advisory imports finished (API uploads and scheduled feed syncs), by result (ok, failed)."}, []string{"result"})
	m.importRecords = prometheus.NewCounter(prometheus.CounterOpts{Name: "vmc_import_records_total",
		Help: "Advisory records read by imports."})
	m.importRejected = prometheus.NewCounter(prometheus.CounterOpts{Name: "vmc_import_errors_total",
		Help: "Records and documents imports rejected."})
	// Imports take from a second (a small upload) to an hour (a full
	// CNVD or CVE corpus).
	m.importDuration = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "vmc_import_duration_seconds",
		Help: "How long imports took.", Buckets: prometheus.ExponentialBuckets(0.1, 4, 9)})
	m.rematched = prometheus.NewCounter(prometheus.CounterOpts{Name: "vmc_rematch_assets_total",
		Help: "Assets whose components were matched against the advisories again."})
	m.matches = prometheus.NewCounter(prometheus.CounterOpts{Name: "vmc_matches_total",
		Help: "Matches (component × vulnerability) found by re-matches."})
	m.opened = prometheus.NewCounter(prometheus.CounterOpts{Name: "vmc_findings_opened_total",
		Help: "Findings opened by re-matches."})
	m.http = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vmc_http_request_duration_seconds",
		Help: "HTTP requests by method, route pattern and status code.", Buckets: prometheus.DefBuckets},
		[]string{"method", "route", "code"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vmc_job_runs_total",
		Help: "Scheduled job runs, by job and result (ok, failed)."}, []string{"job", "result"})
	m.jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vmc_job_duration_seconds",
		Help: "How long scheduled job runs took.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}, []string{"job"})
	queued := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vmc_jobs_queued",
		Help: "Scheduled jobs that are due but waiting for the one before them to finish (the queue depth)."},
		func() float64 { return float64(m.queued(time.Now())) })
	running := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vmc_jobs_running",
		Help: "Scheduled jobs running now."}, func() float64 { return float64(m.running()) })
	m.reg.MustRegister(m.imports, m.importRecords, m.importRejected, m.importDuration, m.rematched, m.matches,
		m.opened, m.http, m.jobRuns, m.jobDuration, queued, running,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the collectors are, for tests that gather them.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Imported implements ingest.Observer.
func (m *Metrics) Imported(r ingest.Report, err error) {
	m.imports.WithLabelValues(result(err)).Inc()
	m.importRecords.Add(float64(r.Read))
	m.importRejected.Add(float64(r.Rejected))
	m.importDuration.Observe(r.Duration.Seconds())
}

// Matched implements ingest.Observer.
func (m *Metrics) Matched(o ingest.Outcome) {
	m.rematched.Add(float64(o.Assets))
	m.matches.Add(float64(o.Matches))
	m.opened.Add(float64(o.Opened))
}

// ObserveHTTP implements api.HTTPObserver.
func (m *Metrics) ObserveHTTP(method, route string, status int, took time.Duration) {
	m.http.WithLabelValues(method, route, strconv.Itoa(status)).Observe(took.Seconds())
}

func result(err error) string {
	if err != nil {
		return "failed"
	}
	return "ok"
}

// SQLPool reports a database/sql pool's statistics, labelled db_name.
func (m *Metrics) SQLPool(name string, db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// PgxPool reports a pgx pool's statistics.
func (m *Metrics) PgxPool(p *pgxpool.Pool) { m.reg.MustRegister(pgxCollector{p}) }

// jobState is what the queue-depth gauge knows of one scheduled job.
type jobState struct {
	next    time.Time // when the scheduler will want it next
	running bool
}

// Job wraps a scheduled job so that its runs are counted and timed and
// the queue-depth gauge knows when it is due. fetch.Schedule runs a job
// first at once and then Every after each start, one job at a time; the
// wrapper follows the same rule to tell a job waiting its turn.
func (m *Metrics) Job(j fetch.Job) fetch.Job {
	st := &jobState{next: time.Now()}
	m.mu.Lock()
	m.jobs = append(m.jobs, st)
	m.mu.Unlock()
	run := j.Run
	j.Run = func(ctx context.Context) error {
		start := time.Now()
		m.mu.Lock()
		st.running, st.next = true, start.Add(j.Every)
		m.mu.Unlock()
		err := run(ctx)
		m.mu.Lock()
		st.running = false
		m.mu.Unlock()
		m.jobRuns.WithLabelValues(j.Name, result(err)).Inc()
		m.jobDuration.WithLabelValues(j.Name).Observe(time.Since(start).Seconds())
		return err
	}
	return j
}

func (m *Metrics) queued(now time.Time) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, st := range m.jobs {
		if !st.running && !now.Before(st.next) {
			n++
		}
	}
	return n
}

func (m *Metrics) running() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, st := range m.jobs {
		if st.running {
			n++
		}
	}
	return n
}

// Handler serves the metrics. With a token, a request must carry it as a
// bearer token; without one, only loopback callers that came through no
// proxy (no X-Forwarded-For) are served, since a proxy on the same host
// makes every outside caller look local.
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowed(r, token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vmc metrics"`)
			http.Error(w, "metrics: a bearer token is required (metrics.token), or a direct loopback connection", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func allowed(r *http.Request, token string) bool {
	if token != "" {
		got, ok := bearer(r.Header.Get("Authorization"))
		return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
	}
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && ap.Addr().IsLoopback()
}

func bearer(h string) (string, bool) {
	const p = "Bearer "
	if len(h) > len(p) && (h[:len(p)] == p || h[:len(p)] == "bearer ") {
		return h[len(p):], true
	}
	return "", false
}

// depthCollector reports the job queue's depth by state, asking the queue
// (one GROUP BY) at each scrape: every replica reports the shared queue.
type depthCollector struct {
	desc  *prometheus.Desc
	depth func(ctx context.Context) (map[string]int, error)
}

func (c depthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := c.depth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for state, n := range d {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), state)
	}
}

// Queue reports the job queue's depth as vmc_job_queue_depth{state}.
func (m *Metrics) Queue(depth func(ctx context.Context) (map[string]int, error)) {
	m.reg.MustRegister(depthCollector{
		desc:  prometheus.NewDesc("vmc_job_queue_depth", "Jobs in the queue by state (queued, running, retrying, completed, failed, cancelled).", []string{"state"}, nil),
		depth: depth,
	})
}
