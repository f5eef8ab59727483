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
    basis = jsonb_build_object(
        'explanation', detail::jsonb -> 'explanation',
        'evidence', detail::jsonb -> 'evidence',
        'inputs', detail::jsonb #> '{assessment,inputs}',
        'points', detail::jsonb #> '{assessment,ssvc,points}')::text,
    detail = ((detail::jsonb - '{explanation,evidence,id,asset_id,asset,vuln,first_seen,last_seen,updated}'::text[])
        #- '{assessment,inputs}' #- '{assessment,ssvc,points}')::text;
-- Rewriting every row gave every index of findings a second entry per
-- finding; vacuum frees the dead ones but leaves the pages, and a sort
-- index walked with a filter read three times the pages (10 ms, not 4,
-- on bench/load.sh's corpus). Rebuilt, they are as a fresh database has
-- them.
REINDEX TABLE findings;

-- +goose Down
UPDATE findings SET detail = jsonb_set(jsonb_set(jsonb_set(jsonb_set(detail::jsonb,
        '{explanation}', coalesce(basis::jsonb -> 'explanation', '{}')),
        '{evidence}', coalesce(basis::jsonb -> 'evidence', 'null')),
        '{assessment,inputs}', coalesce(basis::jsonb -> 'inputs', 'null')),
        '{assessment,ssvc,points}', coalesce(basis::jsonb -> 'points', 'null'))::text
    WHERE basis <> '';
ALTER TABLE findings DROP COLUMN basis;
