-- The finding list's filter and sort keys that belong to the
-- vulnerability (rating, KEV, EPSS, score), kept on the finding itself.
--
-- A finding page filtered by severity or KEV, or sorted by EPSS or score,
-- joined every open finding to its vulnerability before it could filter
-- and sort: a lookup into the wide vulns table per open finding for one
-- page (bench/load.sh, docs/sizing.md). With the keys here and in
-- findings_list, that index answers every filter and sort alone.
--
-- They stay current two ways: a finding takes its vulnerability's keys
-- when it is written (sqlstore's applyChange, and when merged
-- vulnerabilities move their findings), and the trigger below copies them
-- to the vulnerability's findings whenever any of them changes, whatever
-- path of the store changed them (imports, EPSS and KEV syncs, merges).

-- +goose Up
ALTER TABLE findings ADD COLUMN rating TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN kev BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE findings ADD COLUMN epss DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN score DOUBLE PRECISION NOT NULL DEFAULT 0;
UPDATE findings f SET rating = v.rating, kev = v.kev, epss = v.epss, score = v.score FROM vulns v WHERE v.id = f.vuln_id;

-- +goose StatementBegin
CREATE FUNCTION findings_vuln_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE findings SET rating = NEW.rating, kev = NEW.kev, epss = NEW.epss, score = NEW.score WHERE vuln_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER findings_vuln_keys AFTER UPDATE OF rating, kev, epss, score ON vulns FOR EACH ROW
WHEN (OLD.rating IS DISTINCT FROM NEW.rating OR OLD.kev IS DISTINCT FROM NEW.kev OR OLD.epss IS DISTINCT FROM NEW.epss OR OLD.score IS DISTINCT FROM NEW.score)
EXECUTE FUNCTION findings_vuln_keys();

-- This migration lands after 00035, which made findings_list: a database
-- migrated before it ran 00035 first, a new one runs this first (and
-- 00035 then keeps this index, IF NOT EXISTS). Either way the index ends
-- the same.
DROP INDEX IF EXISTS findings_list;
CREATE INDEX findings_list ON findings (state, priority, asset_id, vuln_id, due_at, first_seen, last_seen, ssvc, rating, kev, epss, score);

-- +goose Down
DROP INDEX findings_list;
CREATE INDEX findings_list ON findings (state, priority, asset_id, vuln_id, due_at, first_seen, last_seen, ssvc);
DROP TRIGGER findings_vuln_keys ON vulns;
DROP FUNCTION findings_vuln_keys();
ALTER TABLE findings DROP COLUMN score;
ALTER TABLE findings DROP COLUMN epss;
ALTER TABLE findings DROP COLUMN kev;
ALTER TABLE findings DROP COLUMN rating;
