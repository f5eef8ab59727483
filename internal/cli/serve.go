package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/demo"
	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
	"github.com/vmc-dev/vmc/internal/task"
	"github.com/vmc-dev/vmc/internal/telemetry"
	"github.com/vmc-dev/vmc/internal/web"
)

func newServe() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the centre: HTTP API and UI",
		Long: `Run the centre. On first start with an empty database it loads a small set of
real demo records (Log4Shell, xz and others) unless --no-demo is given.
SIGINT or SIGTERM shuts it down gracefully.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadConfig(cmd.Flags())
			if err != nil {
				return usageError{err}
			}
			log, err := c.logger(cmd.ErrOrStderr())
			if err != nil {
				return usageError{err}
			}
			s, err := openStore(cmd.Context(), c, true)
			if err != nil {
				return err
			}
			defer s.Close()
			metrics := telemetry.New()
			jobs, err := feedJobs(c, s, log, metrics)
			if err != nil {
				return usageError{err}
			}
			// Scheduled work is fetch.Jobs, each run as a periodic job of
			// the queue (addScheduled): once per period across replicas.
			sweepEvery := c.Jobs.SweepEvery
			if sweepEvery <= 0 {
				sweepEvery = time.Hour
			}
			jobs = append(jobs, fetch.Job{Name: "finding sweep", Every: sweepEvery, Run: func(ctx context.Context) error {
				sw, err := task.RunSweep(ctx, s, time.Now().UTC())
				if sw.Expired+sw.Breached > 0 {
					log.Info("finding sweep", "acceptances expired", sw.Expired, "SLA breaches", sw.Breached)
				}
				return err
			}})
			fed, err := federationJobs(c, s)
			if err != nil {
				return usageError{fmt.Errorf("config: %w", err)}
			}
			jobs = append(jobs, fed...)
			n, err := c.notifier(s, log)
			if err != nil {
				return usageError{fmt.Errorf("config: %w", err)}
			}
			// Notifications have their own job: an escalation must not
			// wait for a feed sync to finish.
			jobs = append(jobs, notifySweep(n, log))
			eng, err := c.engine(s, log)
			if err != nil {
				return usageError{err}
			}
			// A backlog of events is collected at most half the time, so
			// that requests are answered while it is (docs/sizing.md).
			eng.Busy = 0.5
			jobs = append(jobs, automationJobs(eng, log)...)
			return serve(cmd.Context(), c, s, log, jobs, n, metrics)
		},
	}
	cmd.Flags().String("addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().Bool("no-demo", false, "do not load demo data into an empty database")
	return cmd
}

// shutdownGrace is how long in-flight requests get after a signal.
const shutdownGrace = 10 * time.Second

func serve(ctx context.Context, c *Config, s store.Store, log *slog.Logger, scheduled []fetch.Job, n *notify.Service, metrics *telemetry.Metrics) error {
	var ready atomic.Bool
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	if err := firstAdmin(ctx, s, log); err != nil {
		return err
	}
	// vmc serves plain HTTP: on a loopback address that is a developer's
	// machine; anywhere else a TLS-terminating proxy is in front, and the
	// session cookie must only travel over HTTPS.
	loopback := false
	if ap, err := netip.ParseAddrPort(ln.Addr().String()); err == nil {
		loopback = ap.Addr().IsLoopback()
	}
	intake, err := c.intake()
	if err != nil {
		return usageError{err}
	}
	intake.SecurityTxt.CSAF = c.csafProviderURL()
	matcher := newMatcher(c, s)
	matcher.Observer = metrics
	observePools(metrics, s)
	// The CSRF key is the database's, not the process's: a token made by
	// one replica passes on the others, and after a restart.
	csrf, err := s.ServerSecret(ctx, "csrf", auth.NewCSRFKey)
	if err != nil {
		return err
	}
	apiServer := &api.Server{Store: s, Matcher: matcher, Log: log, Ready: ready.Load, SecureCookies: !loopback, Intake: intake, Notify: n, Authority: c.Identifiers,
		OSV: api.OSV{RequireToken: c.OSVAPI.RequireToken}, CSRFKey: csrf}
	if apiServer.Federation.Origin, err = c.federationName(); err != nil {
		return usageError{err}
	}
	defer apiServer.Wait()
	// Background work runs as jobs: scheduled ones (feed syncs, sweeps)
	// and those the API starts (imports).
	reg := &jobs.Registry{}
	apiServer.RegisterJobs(reg)
	node, err := c.node(s, "system")
	if err != nil {
		return usageError{fmt.Errorf("config: %w", err)}
	}
	pulls := &peerPulls{node: node}
	pulls.register(reg)
	scheduled = append(scheduled, pulls.job())
	csafProv, err := c.csafProvider(ctx, s, log)
	if err != nil {
		return err
	}
	if csafProv != nil {
		scheduled = append(scheduled, csafProv.job())
	}
	for i := range scheduled {
		scheduled[i] = metrics.Job(scheduled[i])
	}
	if err := addScheduled(reg, scheduled); err != nil {
		return err
	}
	queue, err := openQueue(c, s, reg, log, true)
	if err != nil {
		return err
	}
	apiServer.Jobs = queue
	pulls.queue = queue
	metrics.Queue(func(ctx context.Context) (map[string]int, error) {
		d, err := queue.Depth(ctx)
		out := map[string]int{}
		for st, n := range d {
			out[string(st)] = n
		}
		return out, err
	})
	apiHandler := apiServer.Handler()
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/.well-known/security.txt", apiHandler)
	mux.Handle("/security/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.Handle("/readyz", apiHandler)
	mux.Handle("/v1/", apiHandler) // the OSV-compatible API
	mux.Handle("/taxii2/", apiHandler)
	if csafProv != nil {
		mux.Handle("/.well-known/csaf/", csafProv.handler)
		csafCtx, stopCSAF := context.WithCancel(ctx)
		csafDone := make(chan struct{})
		go func() { defer close(csafDone); csafProv.run(csafCtx) }()
		defer func() { stopCSAF(); <-csafDone }()
	}
	mux.Handle("/", web.Handler())
	mux.Handle("GET /metrics", metrics.Handler(c.Metrics.Token))
	srv := &http.Server{
		Handler:           api.Observe(mux, log, metrics),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("vmc listening", "addr", "http://"+ln.Addr().String(), "db", redact(c.dbURL()), "version", Version)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	// Loading demo data happens after the listener is up: /healthz answers
	// at once and /readyz turns ready when the data is in.
	if err := loadDemo(ctx, c, s, log); err != nil {
		log.Error("demo data not loaded", "err", err)
	}
	ready.Store(true)

	// The queue works jobs beside the server; the store must outlive
	// them, so shutdown stops the queue first (deferred calls run last
	// first), giving running jobs the shutdown grace.
	if err := queue.Start(ctx); err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := queue.Stop(sctx); err != nil {
			log.Error("job queue stop", "err", err)
		}
	}()

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// observePools reports the store's connection pools: pgx's on
// PostgreSQL, database/sql's writer and readers on SQLite.
func observePools(m *telemetry.Metrics, s store.Store) {
	switch st := s.(type) {
	case *postgres.Store:
		m.PgxPool(st.Pool)
	case *sqlstore.Store:
		m.SQLPool("write", st.DB())
		if r := st.ReadDB(); r != st.DB() {
			m.SQLPool("read", r)
		}
	}
}

// loadDemo imports the demo data set when the database holds no records.
func loadDemo(ctx context.Context, c *Config, s store.Store, log *slog.Logger) error {
	if c.NoDemo {
		return nil
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Records > 0 {
		return err
	}
	im := &ingest.Importer{Store: s, Sources: ingest.Sources()}
	rep, err := im.ImportFS(ctx, demo.FS())
	if err != nil {
		return err
	}
	for _, e := range rep.Errors {
		log.Warn("demo record rejected", "err", e)
	}
	log.Info("demo data loaded", "records", rep.New, "documents", rep.Documents, "took", rep.Duration.Round(time.Millisecond))
	return nil
}

// firstAdmin creates the user "admin" with a random password when there
// are no users yet, and says the password once.
func firstAdmin(ctx context.Context, s store.Store, log *slog.Logger) error {
	us, err := s.ListUsers(ctx)
	if err != nil || len(us) > 0 {
		return err
	}
	pw := auth.NewPassword()
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	// Replicas started together on an empty database all get here, and
	// each creating "admin" with its own password left one working and
	// N-1 logged in vain. The first to store its hash as the server
	// secret "first-admin" says its password; any replica that then
	// finds no user creates the admin with that hash: the same row,
	// whoever writes it, and a replica that dies between the two steps
	// leaves a password that still works once another creates the admin.
	won, err := s.ServerSecret(ctx, "first-admin", func() []byte { return []byte(hash) })
	if err != nil {
		return fmt.Errorf("create the first admin: %w", err)
	}
	if string(won) == hash {
		log.Warn("first admin created: sign in as admin with this password, shown only now; change it with vmc user passwd admin", "user", "admin", "password", pw)
	} else if us, err := s.ListUsers(ctx); err != nil || len(us) > 0 {
		return err
	}
	if _, err := s.PutUser(ctx, auth.User{Name: "admin", Role: auth.Admin}, string(won), "system"); err != nil {
		return fmt.Errorf("create the first admin: %w", err)
	}
	return nil
}
