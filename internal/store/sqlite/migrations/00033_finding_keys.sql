-- The finding list's filter and sort keys that belong to the
-- vulnerability (rating, KEV, EPSS, score), kept on the finding itself.
--
-- A finding page filtered by severity or KEV, or sorted by EPSS or score,
-- joined every open finding to its vulnerability before it could filter
-- and sort: 66,000 primary-key lookups into the wide vulns table (whose
-- rating, added last, sits behind the summary and search text) for one
-- page, 1.1-1.4 s at p50 under bench/load.sh. With the keys here and in
-- findings_list, that index answers every filter and sort alone.
--
-- They stay current two ways: a finding takes its vulnerability's keys
-- when it is written (sqlstore's applyChange, and when merged
-- vulnerabilities move their findings), and the trigger below copies them
-- to the vulnerability's findings whenever any of them changes, whatever
-- path of the store changed them (imports, EPSS and KEV syncs, merges).

-- +goose Up
ALTER TABLE findings ADD COLUMN rating TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN kev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN epss REAL NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN score REAL NOT NULL DEFAULT 0;
UPDATE findings SET (rating, kev, epss, score) = (SELECT v.rating, v.kev, v.epss, v.score FROM vulns v WHERE v.id = findings.vuln_id);

-- +goose StatementBegin
CREATE TRIGGER findings_vuln_keys AFTER UPDATE OF rating, kev, epss, score ON vulns
WHEN old.rating IS NOT new.rating OR old.kev IS NOT new.kev OR old.epss IS NOT new.epss OR old.score IS NOT new.score BEGIN
    UPDATE findings SET rating = new.rating, kev = new.kev, epss = new.epss, score = new.score WHERE vuln_id = new.id;
END;
-- +goose StatementEnd

-- This migration lands after 00035, which made findings_list: a database
-- migrated before it ran 00035 first, a new one runs this first (and
-- 00035 then keeps this index, IF NOT EXISTS). Either way the index ends
-- the same.
DROP INDEX IF EXISTS findings_list;
CREATE INDEX findings_list ON findings (state, priority, asset_id, vuln_id, due_at, first_seen, last_seen, ssvc, rating, kev, epss, score);

-- +goose Down
DROP INDEX findings_list;
CREATE INDEX findings_list ON findings (state, priority, asset_id, vuln_id, due_at, first_seen, last_seen, ssvc);
DROP TRIGGER findings_vuln_keys;
ALTER TABLE findings DROP COLUMN score;
ALTER TABLE findings DROP COLUMN epss;
ALTER TABLE findings DROP COLUMN kev;
ALTER TABLE findings DROP COLUMN rating;
