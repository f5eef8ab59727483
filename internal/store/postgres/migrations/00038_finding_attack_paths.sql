-- Where the latest inventory attack-path analysis puts a finding: on a
-- path to a crown jewel. Assessment reads the mark (risk.WithAttackPath)
-- so the finding's priority is raised and its explanation names the path;
-- every inventory analysis replaces all marks.

-- +goose Up
CREATE TABLE finding_attack_paths (
    finding_id  BIGINT PRIMARY KEY REFERENCES findings (id) ON DELETE CASCADE,
    analysis_id BIGINT NOT NULL REFERENCES attack_analyses (id) ON DELETE CASCADE,
    -- The goals reached through the finding, as a JSON array.
    goals       TEXT NOT NULL,
    -- The most likely of those paths, in words.
    path        TEXT NOT NULL
);

-- +goose Down
DROP TABLE finding_attack_paths;
