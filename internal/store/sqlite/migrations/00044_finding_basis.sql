-- A finding's basis (finding.Basis: why it matched, each tool's sighting,
-- its assessment's inputs and SSVC decision points) moves out of detail
-- into a column of its own. It is two thirds of a finding's JSON and only
-- the finding's own page shows it, so a list reads detail alone and
-- decodes a third of what it did. detail and basis together are the
-- finding as before; nothing is stored twice. detail also drops what the
-- finding's own columns hold (id, asset, vulnerability and its
-- three times), which every read took from the columns anyway.

-- +goose Up
ALTER TABLE findings ADD COLUMN basis TEXT NOT NULL DEFAULT '';
UPDATE findings SET
    basis = json_object(
        'explanation', json(json_extract(detail, '$.explanation')),
        'evidence', json(json_extract(detail, '$.evidence')),
        'inputs', json(json_extract(detail, '$.assessment.inputs')),
        'points', json(json_extract(detail, '$.assessment.ssvc.points'))),
    detail = json_remove(detail, '$.explanation', '$.evidence', '$.assessment.inputs', '$.assessment.ssvc.points',
        '$.id', '$.asset_id', '$.asset', '$.vuln', '$.first_seen', '$.last_seen', '$.updated');

-- +goose Down
-- json_set would create an assessment for a finding without one.
UPDATE findings SET detail = json_set(detail,
        '$.explanation', json(coalesce(json_extract(basis, '$.explanation'), '{}')),
        '$.evidence', json(json_extract(basis, '$.evidence')))
    WHERE basis <> '';
UPDATE findings SET detail = json_set(detail,
        '$.assessment.inputs', json(json_extract(basis, '$.inputs')),
        '$.assessment.ssvc.points', json(json_extract(basis, '$.points')))
    WHERE basis <> '' AND json_type(detail, '$.assessment') = 'object';
ALTER TABLE findings DROP COLUMN basis;
