-- Stories that merge, redirects that keep merged-away ids resolvable, linking indexes, and
-- canonical events: one row per happening-level event however many entries report it.

ALTER TABLE stories ADD COLUMN IF NOT EXISTS merged_into bigint REFERENCES stories;
ALTER TABLE entries ADD COLUMN IF NOT EXISTS relevance text NOT NULL DEFAULT 'war';
ALTER TABLE entries ADD COLUMN IF NOT EXISTS relevance_reason text;

-- A story merged into another leaves a redirect; chains are kept one hop long.
CREATE TABLE IF NOT EXISTS story_redirects (
    from_story_id  bigint PRIMARY KEY REFERENCES stories,
    to_story_id    bigint NOT NULL REFERENCES stories,
    entry_id       bigint REFERENCES entries ON DELETE SET NULL,  -- the bridging entry
    merged_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS story_redirects_to ON story_redirects (to_story_id);

CREATE INDEX IF NOT EXISTS entries_story ON entries (story_id);
CREATE INDEX IF NOT EXISTS entries_unlinked ON entries (entry_id) WHERE is_live AND story_id IS NULL;

-- The story an id stands for today: itself, or the story it was merged into.
CREATE OR REPLACE FUNCTION story_current(id bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT to_story_id FROM story_redirects WHERE from_story_id = id), id)
$$;

-- Events deduplicated across reports: same type, war date, actors and places (order-free)
-- is one canonical event. Events naming neither actors nor places only merge within a story.
CREATE OR REPLACE VIEW war_canonical_events WITH (security_barrier) AS
SELECT md5(concat_ws('|', ev.event_type, e.war_date, k.actors::text, k.places::text,
                     k.story_key)) AS canonical_key,
       ev.event_type,
       min(ev.mode) AS mode,
       min(ev.acled_sub_event_type) AS acled_sub_event_type,
       e.war_date,
       min(e.war_day) AS war_day,
       k.actors,
       k.places,
       count(DISTINCT coalesce(d.outlet, d.doc_key)) AS outlet_count,
       count(DISTINCT ev.entry_id) AS report_count,
       array_agg(DISTINCT d.outlet) FILTER (WHERE d.outlet IS NOT NULL) AS outlets,
       array_agg(DISTINCT e.story_id) FILTER (WHERE e.story_id IS NOT NULL) AS story_ids,
       jsonb_agg(jsonb_build_object('entry_id', ev.entry_id, 'event_id', ev.event_id,
                                    'outlet', d.outlet, 'url', d.url,
                                    'sentence', ev.sentence)
                 ORDER BY ev.entry_id, ev.event_id) AS sources
FROM events ev
JOIN entries e USING (entry_id)
JOIN documents d USING (document_id)
CROSS JOIN LATERAL (
    SELECT ARRAY(SELECT DISTINCT x FROM unnest(ev.actors) x ORDER BY 1) AS actors,
           ARRAY(SELECT DISTINCT x FROM unnest(ev.places) x ORDER BY 1) AS places,
           CASE WHEN cardinality(ev.actors) = 0 AND cardinality(ev.places) = 0
                THEN coalesce(e.story_id, -ev.entry_id)::text END AS story_key
) k
WHERE e.is_live AND e.relevance = 'war' AND ev.assertion <> 'denied'
GROUP BY ev.event_type, e.war_date, k.actors, k.places, k.story_key;

GRANT SELECT ON war_canonical_events, story_redirects TO warday_analyst;
GRANT EXECUTE ON FUNCTION story_current(bigint) TO warday_analyst;

COMMENT ON COLUMN stories.merged_into IS 'Story this one was merged into when an entry showed both tell one happening (NULL while it stands on its own); story_current(id) resolves any id.';
COMMENT ON TABLE story_redirects IS 'Merged-away story ids and the story each now belongs to (always one hop): consumers holding an old story id resolve it here.';
COMMENT ON COLUMN story_redirects.from_story_id IS 'Story id that was merged away.';
COMMENT ON COLUMN story_redirects.to_story_id IS 'Story it now belongs to (stories.story_id, never itself merged).';
COMMENT ON COLUMN story_redirects.entry_id IS 'Entry whose arrival showed the two stories to be one.';
COMMENT ON COLUMN story_redirects.merged_at IS 'When the stories merged.';
COMMENT ON VIEW war_canonical_events IS 'Events deduplicated across reports: one row per event type, war date, actors and places (events naming neither merge only within a story), with the outlets and reports behind it; live, war-relevant entries only, denied events left out.';
COMMENT ON COLUMN war_canonical_events.canonical_key IS 'Stable key of the canonical event (hash of type, war date, actors, places).';
COMMENT ON COLUMN war_canonical_events.event_type IS 'PLOVER event type.';
COMMENT ON COLUMN war_canonical_events.mode IS 'Mode of the event where one applies (first seen among the reports).';
COMMENT ON COLUMN war_canonical_events.acled_sub_event_type IS 'ACLED sub-event type for violent events (first seen among the reports).';
COMMENT ON COLUMN war_canonical_events.war_date IS 'War date of the reports.';
COMMENT ON COLUMN war_canonical_events.war_day IS 'War day number (day 1 is 2022-02-24).';
COMMENT ON COLUMN war_canonical_events.actors IS 'Actors of the event, sorted.';
COMMENT ON COLUMN war_canonical_events.places IS 'Places of the event, sorted.';
COMMENT ON COLUMN war_canonical_events.outlet_count IS 'Number of distinct outlets reporting the event (a document without an outlet counts as its own source).';
COMMENT ON COLUMN war_canonical_events.report_count IS 'Number of entries reporting the event.';
COMMENT ON COLUMN war_canonical_events.outlets IS 'Outlets reporting the event.';
COMMENT ON COLUMN war_canonical_events.story_ids IS 'Stories of the reporting entries.';
COMMENT ON COLUMN war_canonical_events.sources IS 'Every report: entry_id, event_id, outlet, url and the evidence sentence.';
