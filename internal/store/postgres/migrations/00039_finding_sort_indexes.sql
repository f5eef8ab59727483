-- Indexes that let a finding page stop after its rows (bench/load.sh,
-- docs/sizing.md).
--
-- findings_list covers every filter and sort column, but in no sort's
-- order: every page read all open findings from it (66,000 with the load
-- corpus) and kept the best 101, 22 ms of CPU a page. Each index below is
-- in the order of one of the web UI's sorts, the finding's id next (the
-- tiebreak ListFindings adds, ascending), then the columns the common
-- filters test, so that walking it in order tests each finding from the
-- index alone and stops once the page is full. The sort key leads in the
-- direction the UI asks for (newest first, highest first, soonest due);
-- the opposite direction, which only the API offers, sorts as before.
--
-- A walk in sort order is slow when few findings pass the filter (it
-- reads them all to find them); ListFindings counts, up to a bound, the
-- findings that pass and then sorts those few itself. findings_rating
-- and findings_kev find those few for the severity and KEV filters (the
-- priority filter has findings_list, an asset or team the asset key),
-- with every sort column, so sorting them reads no row.
--
-- The expressions are ListFindings' sort keys, written as there:
-- PostgreSQL, like SQLite, uses an index on an expression only for that
-- same expression. The planner picks among these with its statistics.

-- +goose Up
CREATE INDEX findings_by_id ON findings (id, state, priority, asset_id, rating, kev);
CREATE INDEX findings_by_priority ON findings ((CASE priority WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END) DESC, id, state, priority, asset_id, rating, kev);
CREATE INDEX findings_by_due ON findings ((CASE WHEN due_at IS NULL THEN 1 ELSE 0 END), due_at, id, state, priority, asset_id, rating, kev);
CREATE INDEX findings_by_first_seen ON findings (first_seen DESC, id, state, priority, asset_id, rating, kev);
CREATE INDEX findings_by_last_seen ON findings (last_seen DESC, id, state, priority, asset_id, rating, kev);
CREATE INDEX findings_by_epss ON findings (epss DESC, id, state, priority, asset_id, rating, kev);
CREATE INDEX findings_by_score ON findings (score DESC, id, state, priority, asset_id, rating, kev);
CREATE INDEX findings_rating ON findings (rating, state, priority, asset_id, kev, due_at, first_seen, last_seen, epss, score);
CREATE INDEX findings_kev ON findings (kev, state, priority, asset_id, rating, due_at, first_seen, last_seen, epss, score);

-- +goose Down
DROP INDEX findings_kev;
DROP INDEX findings_rating;
DROP INDEX findings_by_score;
DROP INDEX findings_by_epss;
DROP INDEX findings_by_last_seen;
DROP INDEX findings_by_first_seen;
DROP INDEX findings_by_due;
DROP INDEX findings_by_priority;
DROP INDEX findings_by_id;
