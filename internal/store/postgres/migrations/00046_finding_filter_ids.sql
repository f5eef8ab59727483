-- The indexes a finding page's filter uses carry the finding's id.
-- SQLite's indexes hold the rowid anyway; PostgreSQL's do not, so the
-- count that chooses a page's plan and the few plan's candidates
-- (sqlstore's pageFindingPlan) read every passing finding's row from the
-- table for its id: 1,001 rows and 3.6 ms for "priority=medium" on
-- bench/load.sh's corpus, 0.5 ms from the index alone.

-- +goose Up
DROP INDEX findings_list;
CREATE INDEX findings_list ON findings (state, priority, asset_id, vuln_id, due_at, first_seen, last_seen, ssvc, rating, kev, epss, score) INCLUDE (id);
DROP INDEX findings_rating;
CREATE INDEX findings_rating ON findings (rating, state, priority, asset_id, kev, due_at, first_seen, last_seen, epss, score) INCLUDE (id);
DROP INDEX findings_kev;
CREATE INDEX findings_kev ON findings (kev, state, priority, asset_id, rating, due_at, first_seen, last_seen, epss, score) INCLUDE (id);

-- +goose Down
DROP INDEX findings_list;
CREATE INDEX findings_list ON findings (state, priority, asset_id, vuln_id, due_at, first_seen, last_seen, ssvc, rating, kev, epss, score);
DROP INDEX findings_rating;
CREATE INDEX findings_rating ON findings (rating, state, priority, asset_id, kev, due_at, first_seen, last_seen, epss, score);
DROP INDEX findings_kev;
CREATE INDEX findings_kev ON findings (kev, state, priority, asset_id, rating, due_at, first_seen, last_seen, epss, score);
