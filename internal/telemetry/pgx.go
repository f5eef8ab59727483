package telemetry

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// pgxCollector reads a pgx pool's statistics at every scrape. On
// PostgreSQL the store's database/sql handle is a thin view of this pool,
// so DBStats would say little; the pool is where connections wait.
type pgxCollector struct{ p *pgxpool.Pool }

var pgxDescs = struct {
	acquired, idle, constructing, total, max, acquires, emptyAcquires, canceled, acquireWait, emptyWait, newConns *prometheus.Desc
}{
	acquired:      prometheus.NewDesc("vmc_pgxpool_acquired_conns", "Connections in use.", nil, nil),
	idle:          prometheus.NewDesc("vmc_pgxpool_idle_conns", "Idle connections.", nil, nil),
	constructing:  prometheus.NewDesc("vmc_pgxpool_constructing_conns", "Connections being opened.", nil, nil),
	total:         prometheus.NewDesc("vmc_pgxpool_total_conns", "All connections.", nil, nil),
	max:           prometheus.NewDesc("vmc_pgxpool_max_conns", "The pool's limit.", nil, nil),
	acquires:      prometheus.NewDesc("vmc_pgxpool_acquires_total", "Connections acquired.", nil, nil),
	emptyAcquires: prometheus.NewDesc("vmc_pgxpool_empty_acquires_total", "Acquires that had to wait because no connection was idle.", nil, nil),
	canceled:      prometheus.NewDesc("vmc_pgxpool_canceled_acquires_total", "Acquires given up by their caller.", nil, nil),
	acquireWait:   prometheus.NewDesc("vmc_pgxpool_acquire_seconds_total", "Time spent acquiring connections.", nil, nil),
	emptyWait:     prometheus.NewDesc("vmc_pgxpool_empty_acquire_wait_seconds_total", "Time spent waiting for a connection when none was idle.", nil, nil),
	newConns:      prometheus.NewDesc("vmc_pgxpool_new_conns_total", "Connections opened.", nil, nil),
}

func (pgxCollector) Describe(ch chan<- *prometheus.Desc) {
	d := pgxDescs
	for _, x := range []*prometheus.Desc{d.acquired, d.idle, d.constructing, d.total, d.max, d.acquires, d.emptyAcquires, d.canceled, d.acquireWait, d.emptyWait, d.newConns} {
		ch <- x
	}
}

func (c pgxCollector) Collect(ch chan<- prometheus.Metric) {
	s, d := c.p.Stat(), pgxDescs
	g := func(desc *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v)
	}
	n := func(desc *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v)
	}
	g(d.acquired, float64(s.AcquiredConns()))
	g(d.idle, float64(s.IdleConns()))
	g(d.constructing, float64(s.ConstructingConns()))
	g(d.total, float64(s.TotalConns()))
	g(d.max, float64(s.MaxConns()))
	n(d.acquires, float64(s.AcquireCount()))
	n(d.emptyAcquires, float64(s.EmptyAcquireCount()))
	n(d.canceled, float64(s.CanceledAcquireCount()))
	n(d.acquireWait, s.AcquireDuration().Seconds())
	n(d.emptyWait, s.EmptyAcquireWaitTime().Seconds())
	n(d.newConns, float64(s.NewConnsCount()))
}
