package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/store"
)

// PutAsset implements store.Assets.
func (s *Store) PutAsset(ctx context.Context, a asset.Asset) (asset.Asset, error) {
	if err := a.Validate(); err != nil {
		return asset.Asset{}, err
	}
	tags, err := json.Marshal(orEmpty(a.Tags))
	if err != nil {
		return asset.Asset{}, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		now := s.clock()
		return tx.queryRow(ctx, `INSERT INTO assets (name, kind, team, environment, criticality, exposure, tags, maintenance_group, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, team = excluded.team, environment = excluded.environment,
				criticality = excluded.criticality, exposure = excluded.exposure, tags = excluded.tags,
				maintenance_group = excluded.maintenance_group, updated_at = excluded.updated_at
			RETURNING id`,
			a.Name, a.Kind, a.Team, a.Environment, a.Criticality, a.Exposure, string(tags), a.MaintenanceGroup, now, now).Scan(&a.ID)
	})
	if err != nil {
		return asset.Asset{}, fmt.Errorf("asset %s: %w", a.Name, err)
	}
	return s.Asset(ctx, a.Name)
}

func orEmpty(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

const assetColumns = `id, name, kind, team, environment, criticality, exposure, tags, maintenance_group, created_at, updated_at`

func scanAsset(r interface{ Scan(...any) error }) (asset.Asset, error) {
	var (
		a    asset.Asset
		tags string
	)
	err := r.Scan(&a.ID, &a.Name, &a.Kind, &a.Team, &a.Environment, &a.Criticality, &a.Exposure, &tags, &a.MaintenanceGroup, &a.Created, &a.Updated)
	if err != nil {
		return a, err
	}
	a.Created, a.Updated = a.Created.UTC(), a.Updated.UTC()
	if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
		return a, fmt.Errorf("asset %s: tags: %w", a.Name, err)
	}
	if len(a.Tags) == 0 {
		a.Tags = nil
	}
	return a, nil
}

// Asset implements store.Assets.
func (s *Store) Asset(ctx context.Context, name string) (asset.Asset, error) {
	a, err := scanAsset(s.r.QueryRowContext(ctx, s.d.Rebind(`SELECT `+assetColumns+` FROM assets WHERE name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return asset.Asset{}, fmt.Errorf("asset %s: %w", name, store.ErrNotFound)
	}
	return a, err
}

// ListAssets implements store.Assets.
func (s *Store) ListAssets(ctx context.Context) ([]asset.Asset, error) {
	return collect(ctx, s.r, `SELECT `+assetColumns+` FROM assets ORDER BY name`, nil,
		func(r *sql.Rows) (asset.Asset, error) { return scanAsset(r) })
}

// DeleteAsset implements store.Assets.
func (s *Store) DeleteAsset(ctx context.Context, name string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		res, err := tx.exec(ctx, `DELETE FROM assets WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("delete asset %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("asset %s: %w", name, store.ErrNotFound)
		}
		return nil
	})
}

// SetComponents implements store.Assets.
func (s *Store) SetComponents(ctx context.Context, assetID int64, source string, cs []asset.Component) (asset.Change, error) {
	for i, c := range cs {
		if err := c.Validate(); err != nil {
			return asset.Change{}, fmt.Errorf("component %d (%s): %w", i, c.Name, err)
		}
	}
	if err := s.prepareShapes(ctx); err != nil {
		return asset.Change{}, err
	}
	var ch asset.Change
	err := s.inTx(ctx, func(ctx context.Context, tx *txn) error {
		var err error
		ch, err = s.setComponents(ctx, tx, assetID, source, cs)
		return err
	})
	return ch, err
}

// setComponents replaces an asset's components within tx.
func (s *Store) setComponents(ctx context.Context, tx *txn, assetID int64, source string, cs []asset.Component) (asset.Change, error) {
	var ch asset.Change
	old, err := s.components(ctx, tx, assetID)
	if err != nil {
		return ch, err
	}
	ch = asset.Diff(old, cs)
	removed := make([]any, len(ch.Removed))
	for i, c := range ch.Removed {
		removed[i] = c.Key()
	}
	if err := tx.execIn(ctx, deleteComponents, []any{assetID}, removed); err != nil {
		return ch, fmt.Errorf("remove components: %w", err)
	}
	if err := s.addComponents(ctx, tx, assetID, ch.Added); err != nil {
		return ch, err
	}
	summary, err := json.Marshal(ch)
	if err != nil {
		return ch, err
	}
	_, err = tx.exec(ctx, `INSERT INTO component_changes (asset_id, changed_at, source, added, removed, kept, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		assetID, s.clock(), source, len(ch.Added), len(ch.Removed), ch.Kept, string(summary))
	if err != nil {
		return ch, fmt.Errorf("record component change: %w", err)
	}
	return ch, nil
}

// Components are written in multi-row statements (see batch.go), not a
// round trip each: on PostgreSQL, where every statement is a round trip
// to another process, an INSERT per component (and one per CPE key) was
// most of the time an SBOM took to store.
var (
	insertComponents = rowsStmt{`INSERT INTO components (asset_id, ckey, ecosystem, name, version, purl, detail, pkg_eco, pkg_name) VALUES `, 9,
		` RETURNING id, ckey`}
	insertComponentCPEs = rowsStmt{`INSERT INTO component_cpes (component_id, cpe_key) VALUES `, 2, ``}
	deleteComponents    = inStmt{`DELETE FROM components WHERE asset_id = ? AND ckey IN `, 1, ``}
)

// addComponents inserts cs, new to the asset, and their CPE keys.
// RETURNING promises no order, so ids are matched to components by key,
// which is unique within an asset.
func (s *Store) addComponents(ctx context.Context, tx *txn, assetID int64, cs []asset.Component) error {
	if len(cs) == 0 {
		return nil
	}
	details := make([]string, len(cs))
	for i, c := range cs {
		b, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("add component %s: %w", c.Name, err)
		}
		details[i] = string(b)
	}
	ids := make(map[string]int64, len(cs))
	err := tx.queryRows(ctx, insertComponents, len(cs), func(args []any, i int) []any {
		c := cs[i]
		eco, name := looseKey(c.Ecosystem, c.Name)
		return append(args, assetID, c.Key(), c.Ecosystem, c.Name, c.Version, c.PURL, details[i], eco, name)
	}, func(r *sql.Rows) error {
		var (
			id  int64
			key string
		)
		if err := r.Scan(&id, &key); err != nil {
			return err
		}
		ids[key] = id
		return nil
	})
	if err != nil {
		return fmt.Errorf("add components: %w", err)
	}
	type cpeRow struct {
		component int64
		key       string
	}
	var cpes []cpeRow
	for _, c := range cs {
		id, ok := ids[c.Key()]
		if !ok {
			return fmt.Errorf("add component %s: no id returned", c.Name)
		}
		for _, k := range match.CPEKeys(c.CPEs) {
			cpes = append(cpes, cpeRow{id, k})
		}
	}
	if _, err := tx.execRows(ctx, insertComponentCPEs, len(cpes), func(args []any, i int) []any {
		return append(args, cpes[i].component, cpes[i].key)
	}); err != nil {
		return fmt.Errorf("add component CPEs: %w", err)
	}
	return nil
}

// Components implements store.Assets.
func (s *Store) Components(ctx context.Context, assetID int64) ([]asset.Component, error) {
	return s.components(ctx, s.r, assetID)
}

func (s *Store) components(ctx context.Context, q querier, assetID int64) ([]asset.Component, error) {
	return collect(ctx, q, s.d.Rebind(`SELECT detail FROM components WHERE asset_id = ? ORDER BY ecosystem, name, version`), []any{assetID},
		func(r *sql.Rows) (asset.Component, error) {
			var (
				c      asset.Component
				detail string
			)
			if err := r.Scan(&detail); err != nil {
				return c, err
			}
			return c, json.Unmarshal([]byte(detail), &c)
		})
}

// packageKey is the loose form packages are indexed under: the base
// ecosystem ("Debian" for "Debian:12") and the name in lower case with '-',
// '_' and '.' runs folded, as PEP 503 normalises Python names. Looser than
// any ecosystem's own rule, so the index never misses; the matcher then
// applies the exact one.
func packageKey(ecosystem, name string) (string, string) {
	eco, _, _ := strings.Cut(ecosystem, ":")
	return strings.ToLower(eco), separators.ReplaceAllString(strings.ToLower(name), "-")
}

var separators = regexp.MustCompile(`[-_.]+`)

// cpeKey is the index key of a CPE vendor and product.
func cpeKey(vendor, product string) string {
	return strings.ToLower(vendor) + ":" + strings.ToLower(product)
}

// selectAffected reads the index rows of one ecosystem's packages, with
// each record's vulnerability, affected claim and configurations.
var selectAffected = inStmt{`SELECT i.ecosystem, i.package, r.id, v.primary_id, r.source, r.record_id, r.document, c.value, g.value
		FROM affected_index i
		JOIN source_records r ON r.id = i.record_id
		JOIN vulns v ON v.id = r.vuln_id
		JOIN claims c ON c.record_id = r.id AND c.field = 'affected' AND c.replaced_at IS NULL
		LEFT JOIN claims g ON g.record_id = r.id AND g.field = 'configurations' AND g.replaced_at IS NULL
		WHERE i.ecosystem = ? AND i.package IN `, 1,
	` AND NOT EXISTS (SELECT 1 FROM claims w WHERE w.record_id = r.id AND w.field = 'withdrawn' AND w.replaced_at IS NULL)`}

// AffectedFor implements store.Assets.
func (s *Store) AffectedFor(ctx context.Context, pkgs []store.Package) ([]store.AffectedEntry, error) {
	byEco := map[string][]string{}
	seen := map[[2]string]bool{}
	for _, p := range pkgs {
		eco, name := packageKey(p.Ecosystem, p.Name)
		if p.Ecosystem == store.CPE {
			eco, name = store.CPE, strings.ToLower(p.Name)
		}
		if k := [2]string{eco, name}; !seen[k] {
			seen[k] = true
			byEco[eco] = append(byEco[eco], name)
		}
	}
	// The packages of one ecosystem go in IN lists of at most maxInList,
	// each answered from the package index: one query per package was
	// nearly all of a 1,000-query OSV querybatch (a round trip each, worse
	// on PostgreSQL). A VALUES list joined in one statement made modernc's
	// SQLite scan the index instead; IN on the index's second column does
	// not. A record naming several of the packages is decoded once.
	var out []store.AffectedEntry
	decoded := map[int64][]advisory.Affected{}
	err := s.readTx(ctx, func(ctx context.Context, tx *txn) error {
		for _, eco := range slices.Sorted(maps.Keys(byEco)) {
			names := byEco[eco]
			slices.Sort(names)
			err := tx.queryIn(ctx, selectAffected, []any{eco}, stringsToAny(names), func(r *sql.Rows) error {
				var (
					e              store.AffectedEntry
					ieco, pkg      string
					id             int64
					value, configs []byte
				)
				if err := r.Scan(&ieco, &pkg, &id, &e.Vuln, &e.Source, &e.Record, &e.Document, &value, &configs); err != nil {
					return err
				}
				all, ok := decoded[id]
				if !ok {
					if err := json.Unmarshal(value, &all); err != nil {
						return fmt.Errorf("affected of %s %s: %w", e.Source, e.Record, err)
					}
					decoded[id] = all
				}
				if len(configs) > 0 {
					e.Configurations = json.RawMessage(configs)
				}
				// A record may name the package more than once (two sets
				// of ranges); each is an entry.
				for _, a := range all {
					eco, name := packageKey(a.Ecosystem, a.Package)
					if ieco == store.CPE {
						eco, name = store.CPE, cpeKey(a.Vendor, a.Product)
					}
					if eco == ieco && name == pkg {
						e.Affected = a
						out = append(out, e)
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("affected entries for %s: %w", eco, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b store.AffectedEntry) int {
		return strings.Compare(a.Vuln+a.Source+a.Record, b.Vuln+b.Source+b.Record)
	})
	return out, nil
}

// ListComponents implements store.Assets: a page of distinct components by
// keyset on (ecosystem, name, version), then the assets of that page's
// components.
func (s *Store) ListComponents(ctx context.Context, q store.ComponentQuery) (store.ComponentPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 500)
	where, args := []string{"1 = 1"}, []any{}
	if q.After != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.After)
		parts := strings.Split(string(b), "\x1f")
		if err != nil || len(parts) != 3 {
			return store.ComponentPage{}, ErrBadCursor
		}
		where = append(where, "(ecosystem > ? OR (ecosystem = ? AND (name > ? OR (name = ? AND version > ?))))")
		args = append(args, parts[0], parts[0], parts[1], parts[1], parts[2])
	}
	if q.Text != "" {
		like := "%" + likeEscape(strings.ToLower(q.Text)) + "%"
		where = append(where, `(lower(name) LIKE ? ESCAPE '\' OR lower(purl) LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	if q.Ecosystem != "" {
		eco, _ := packageKey(q.Ecosystem, "")
		where, args = append(where, "pkg_eco = ?"), append(args, eco)
	}
	type key struct{ eco, name, version string }
	keys, err := collect(ctx, s.r, s.d.Rebind(fmt.Sprintf(`SELECT DISTINCT ecosystem, name, version FROM components WHERE %s
		ORDER BY ecosystem, name, version LIMIT %d`, strings.Join(where, " AND "), limit+1)), args,
		func(r *sql.Rows) (key, error) {
			var k key
			return k, r.Scan(&k.eco, &k.name, &k.version)
		})
	if err != nil {
		return store.ComponentPage{}, fmt.Errorf("list components: %w", err)
	}
	var page store.ComponentPage
	if len(keys) > limit {
		keys = keys[:limit]
		last := keys[limit-1]
		page.Next = base64.RawURLEncoding.EncodeToString([]byte(last.eco + "\x1f" + last.name + "\x1f" + last.version))
	}
	if len(keys) == 0 {
		return page, nil
	}
	// The page's assets, by the (ecosystem, name) index; versions are
	// sorted out below.
	conds, cargs := make([]string, len(keys)), make([]any, 0, 2*len(keys))
	index := map[key]int{}
	for i, k := range keys {
		conds[i] = "(c.ecosystem = ? AND c.name = ?)"
		cargs = append(cargs, k.eco, k.name)
		index[k] = i
		page.Items = append(page.Items, store.ComponentUse{Ecosystem: k.eco, Name: k.name, Version: k.version, Assets: []store.AssetRef{}})
	}
	type use struct {
		k     key
		purl  string
		asset store.AssetRef
	}
	uses, err := collect(ctx, s.r, s.d.Rebind(`SELECT c.ecosystem, c.name, c.version, c.purl, a.name, a.team FROM components c
		JOIN assets a ON a.id = c.asset_id WHERE `+strings.Join(conds, " OR ")+` ORDER BY a.name`), cargs,
		func(r *sql.Rows) (use, error) {
			var u use
			return u, r.Scan(&u.k.eco, &u.k.name, &u.k.version, &u.purl, &u.asset.Name, &u.asset.Team)
		})
	if err != nil {
		return store.ComponentPage{}, fmt.Errorf("list components: assets: %w", err)
	}
	for _, u := range uses {
		i, ok := index[u.k]
		if !ok {
			continue // another version of a listed package
		}
		it := &page.Items[i]
		if it.PURL == "" {
			it.PURL = u.purl
		}
		it.Assets = append(it.Assets, u.asset)
	}
	return page, nil
}
