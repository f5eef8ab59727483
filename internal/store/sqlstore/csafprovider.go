package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/store"
)

// CSAFPublications implements store.CSAFProvider.
func (s *Store) CSAFPublications(ctx context.Context) ([]store.CSAFPublication, error) {
	rows, err := s.r.QueryContext(ctx, s.d.Rebind(`SELECT id, fingerprint, revisions, document, signature, updated_at, listed FROM csaf_publications ORDER BY id`))
	if err != nil {
		return nil, fmt.Errorf("csaf publications: %w", err)
	}
	defer rows.Close()
	var out []store.CSAFPublication
	for rows.Next() {
		var p store.CSAFPublication
		var revs, doc, sig string
		if err := rows.Scan(&p.ID, &p.Fingerprint, &revs, &doc, &sig, &p.Updated, &p.Listed); err != nil {
			return nil, fmt.Errorf("csaf publications: %w", err)
		}
		p.Revisions, p.Document, p.Signature = []byte(revs), []byte(doc), []byte(sig)
		p.Updated = p.Updated.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// PutCSAFPublications implements store.CSAFProvider.
func (s *Store) PutCSAFPublications(ctx context.Context, ps []store.CSAFPublication) error {
	if len(ps) == 0 {
		return nil
	}
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error { return putCSAF(ctx, tx, ps) })
}

func putCSAF(ctx context.Context, tx *txn, ps []store.CSAFPublication) error {
	for _, p := range ps {
		if p.ID == "" {
			return fmt.Errorf("csaf publication: empty id")
		}
		if _, err := tx.exec(ctx, `INSERT INTO csaf_publications (id, fingerprint, revisions, document, signature, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, revisions = excluded.revisions,
			document = excluded.document, signature = excluded.signature, updated_at = excluded.updated_at`,
			p.ID, p.Fingerprint, string(p.Revisions), string(p.Document), string(p.Signature), p.Updated.UTC()); err != nil {
			return fmt.Errorf("csaf publication %s: %w", p.ID, err)
		}
	}
	return nil
}

// PublishCSAF implements store.CSAFProvider. The state row is locked
// first (written before it is read), so that two builds never interleave
// on PostgreSQL; the scheduled job makes them rare, `vmc csaf provider
// build` beside `vmc serve` possible.
func (s *Store) PublishCSAF(ctx context.Context, changed []store.CSAFPublication, listed []string, next store.CSAFState, at time.Time) (store.CSAFState, error) {
	var st store.CSAFState
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		if _, err := tx.exec(ctx, `INSERT INTO csaf_provider_state (id, generation, built_at, fingerprint, public_key, publisher) VALUES (1, 0, ?, '', '', '')
			ON CONFLICT (id) DO UPDATE SET generation = csaf_provider_state.generation`, at.UTC()); err != nil {
			return fmt.Errorf("csaf provider state: %w", err)
		}
		var err error
		if st, err = csafState(ctx, tx); err != nil {
			return err
		}
		if err := putCSAF(ctx, tx, changed); err != nil {
			return err
		}
		want := map[string]bool{}
		for _, id := range listed {
			want[id] = true
		}
		rows, err := tx.query(ctx, `SELECT id, listed FROM csaf_publications`)
		if err != nil {
			return fmt.Errorf("csaf publications: %w", err)
		}
		var flip []string
		for rows.Next() {
			var (
				id string
				l  bool
			)
			if err := rows.Scan(&id, &l); err != nil {
				rows.Close()
				return fmt.Errorf("csaf publications: %w", err)
			}
			if l != want[id] {
				flip = append(flip, id)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("csaf publications: %w", err)
		}
		for _, id := range flip {
			if _, err := tx.exec(ctx, `UPDATE csaf_publications SET listed = ? WHERE id = ?`, want[id], id); err != nil {
				return fmt.Errorf("csaf publication %s: %w", id, err)
			}
		}
		if len(changed) == 0 && len(flip) == 0 && st.Generation > 0 && st.Key.Fingerprint == next.Key.Fingerprint &&
			bytes.Equal(st.Key.Armored, next.Key.Armored) && bytes.Equal(st.Publisher, next.Publisher) {
			return nil
		}
		st = store.CSAFState{Generation: st.Generation + 1, Built: at.UTC().Truncate(time.Microsecond), Key: next.Key, Publisher: next.Publisher}
		if _, err := tx.exec(ctx, `UPDATE csaf_provider_state SET generation = ?, built_at = ?, fingerprint = ?, public_key = ?, publisher = ? WHERE id = 1`,
			st.Generation, st.Built, st.Key.Fingerprint, string(st.Key.Armored), string(st.Publisher)); err != nil {
			return fmt.Errorf("csaf provider state: %w", err)
		}
		return nil
	})
	return st, err
}

// CSAFState implements store.CSAFProvider.
func (s *Store) CSAFState(ctx context.Context) (store.CSAFState, error) {
	return csafState(ctx, s.r)
}

func csafState(ctx context.Context, q querier) (store.CSAFState, error) {
	var (
		st       store.CSAFState
		key, pub string
	)
	err := q.QueryRowContext(ctx, `SELECT generation, built_at, fingerprint, public_key, publisher FROM csaf_provider_state WHERE id = 1`).
		Scan(&st.Generation, &st.Built, &st.Key.Fingerprint, &key, &pub)
	if errors.Is(err, sql.ErrNoRows) {
		return store.CSAFState{}, nil
	}
	if err != nil {
		return st, fmt.Errorf("csaf provider state: %w", err)
	}
	st.Built, st.Key.Armored, st.Publisher = st.Built.UTC(), []byte(key), []byte(pub)
	return st, nil
}
