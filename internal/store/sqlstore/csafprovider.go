package sqlstore

import (
	"context"
	"fmt"

	"github.com/vmc-dev/vmc/internal/store"
)

// CSAFPublications implements store.CSAFProvider.
func (s *Store) CSAFPublications(ctx context.Context) ([]store.CSAFPublication, error) {
	rows, err := s.r.QueryContext(ctx, s.d.Rebind(`SELECT id, fingerprint, revisions, document, signature, updated_at FROM csaf_publications ORDER BY id`))
	if err != nil {
		return nil, fmt.Errorf("csaf publications: %w", err)
	}
	defer rows.Close()
	var out []store.CSAFPublication
	for rows.Next() {
		var p store.CSAFPublication
		var revs, doc, sig string
		if err := rows.Scan(&p.ID, &p.Fingerprint, &revs, &doc, &sig, &p.Updated); err != nil {
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
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
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
	})
}
