-- PostgreSQL's migration 00046 puts the finding's id into the indexes a
-- finding page's filter uses; SQLite's indexes hold the rowid, which is
-- the id, already. The number is taken here too so that both schemas
-- stay at the same version.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
