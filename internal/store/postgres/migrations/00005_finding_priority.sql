-- A finding's priority, deadline and closing time as columns, for lists,
-- SLA breaches and metrics; the rest stays in findings.detail.

-- +goose Up
ALTER TABLE findings ADD COLUMN priority TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN due_at TIMESTAMPTZ;
ALTER TABLE findings ADD COLUMN closed_at TIMESTAMPTZ;
CREATE INDEX findings_due ON findings (due_at);

-- +goose Down
DROP INDEX findings_due;
ALTER TABLE findings DROP COLUMN closed_at;
ALTER TABLE findings DROP COLUMN due_at;
ALTER TABLE findings DROP COLUMN priority;
