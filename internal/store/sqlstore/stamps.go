package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

var (
	// A vulnerability with no source record (an own identifier's, before
	// anything is published about it) still has a stamp.
	stampDates = inStmt{`SELECT v.primary_id, v.published, r.modified, r.last_seen
		FROM vulns v LEFT JOIN source_records r ON r.vuln_id = v.id WHERE v.primary_id IN `, 0, ``}
	stampTLPs = inStmt{`SELECT v.primary_id, c.value FROM vulns v
		JOIN source_records r ON r.vuln_id = v.id
		JOIN claims c ON c.record_id = r.id AND c.field = 'tlp' AND c.replaced_at IS NULL
		WHERE v.primary_id IN `, 0, ``}
	// An advisory is about a vulnerability when its id or its CVE is one
	// of the vulnerability's ids, as Advisory finds it.
	stampAdvisories = inStmt{`SELECT DISTINCT v.primary_id, a.id, a.tlp, a.embargo_until FROM vulns v
		JOIN aliases al ON al.vuln_id = v.id
		JOIN security_advisories a ON a.advisory_id = al.alias_key OR a.cve = al.alias_key
		WHERE v.primary_id IN `, 0, ``}
	vulnKeys = inStmt{`SELECT id FROM vulns WHERE primary_id IN `, 0, ``}
)

// readTx runs fn in a read-only transaction, one consistent snapshot
// even while an import writes, with a statement cache.
func (s *Store) readTx(ctx context.Context, fn func(ctx context.Context, tx *txn) error) error {
	sqlTx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	tx := &txn{Tx: sqlTx, d: s.d, stmts: map[string]*sql.Stmt{}}
	defer tx.closeStmts()
	// As in tryTx: no goroutine per statement to watch ctx.
	return fn(context.WithoutCancel(ctx), tx)
}

// VulnStamps implements store.Stamps.
func (s *Store) VulnStamps(ctx context.Context, ids []string) (map[string]store.VulnStamp, error) {
	out := make(map[string]store.VulnStamp, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list := stringsToAny(ids)
	err := s.readTx(ctx, func(ctx context.Context, tx *txn) error {
		err := tx.queryIn(ctx, stampDates, nil, list, func(r *sql.Rows) error {
			var (
				id            string
				published     sql.NullTime
				modified, saw sql.NullTime
			)
			if err := r.Scan(&id, &published, &modified, &saw); err != nil {
				return err
			}
			st := out[id]
			st.ID = id
			for _, t := range []sql.NullTime{published, modified, saw} {
				if t.Valid && t.Time.After(st.Changed) {
					st.Changed = t.Time.UTC()
				}
			}
			out[id] = st
			return nil
		})
		if err != nil {
			return fmt.Errorf("dates: %w", err)
		}
		err = tx.queryIn(ctx, stampTLPs, nil, list, func(r *sql.Rows) error {
			var (
				id    string
				value []byte
			)
			if err := r.Scan(&id, &value); err != nil {
				return err
			}
			if st, ok := out[id]; ok {
				st.TLPs = append(st.TLPs, json.RawMessage(value))
				out[id] = st
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("tlp claims: %w", err)
		}
		err = tx.queryIn(ctx, stampAdvisories, nil, list, func(r *sql.Rows) error {
			var (
				id, tlp string
				key     int64
				until   sql.NullTime
			)
			if err := r.Scan(&id, &key, &tlp, &until); err != nil {
				return err
			}
			m := incident.Marking{TLP: incident.TLP(tlp)}
			if until.Valid {
				m.Embargo = &incident.Embargo{Until: until.Time.UTC()}
			}
			if st, ok := out[id]; ok {
				st.Advisories = append(st.Advisories, m)
				out[id] = st
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("advisories: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("vulnerability stamps: %w", err)
	}
	return out, nil
}

// Vulns implements store.Stamps.
func (s *Store) Vulns(ctx context.Context, ids []string) (map[string]advisory.Vulnerability, error) {
	out := make(map[string]advisory.Vulnerability, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := s.readTx(ctx, func(ctx context.Context, tx *txn) error {
		var keys []int64
		err := tx.queryIn(ctx, vulnKeys, nil, stringsToAny(ids), func(r *sql.Rows) error {
			var k int64
			err := r.Scan(&k)
			keys = append(keys, k)
			return err
		})
		if err != nil {
			return err
		}
		vs, err := s.loadMany(ctx, tx, keys)
		if err != nil {
			return err
		}
		for _, v := range vs {
			out[v.ID] = v
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("vulnerabilities: %w", err)
	}
	return out, nil
}
