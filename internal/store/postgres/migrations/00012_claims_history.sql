-- Claims are read by record either current (replaced_at IS NULL, through
-- the unique claims_current) or replaced (the history). The index of all
-- claims by record made every new claim two index insertions; an index of
-- replaced claims only is empty for fresh imports and grows as values
-- change, which is when the history is there to read.

-- +goose Up
DROP INDEX claims_record;
CREATE INDEX claims_history ON claims (record_id) WHERE replaced_at IS NOT NULL;

-- +goose Down
DROP INDEX claims_history;
CREATE INDEX claims_record ON claims (record_id);
