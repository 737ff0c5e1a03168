-- Descriptions for the analyst-readable story objects (canonical events, story redirects,
-- merged stories), applied to whichever of them exist: they may be created by a migration
-- that lands after this one on a running database, or before it on a fresh one.
DO $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT * FROM (VALUES
        ('war_canonical_events', NULL, 'Events deduplicated across reports: one row per happening-level event (same type, war date, actors and places), with the outlets and reports behind it. Denied events and retracted or off-topic entries are left out.'),
        ('war_canonical_events', 'canonical_key', 'Stable key of the canonical event (hash of type, war date, actors, places).'),
        ('war_canonical_events', 'event_type', 'PLOVER event type (see war_events.event_type).'),
        ('war_canonical_events', 'mode', 'Mode of the event (see war_events.mode).'),
        ('war_canonical_events', 'acled_sub_event_type', 'ACLED sub-event type (see war_events.acled_sub_event_type).'),
        ('war_canonical_events', 'war_date', 'Calendar date of the war day.'),
        ('war_canonical_events', 'war_day', 'War day number: day 1 is 2022-02-24.'),
        ('war_canonical_events', 'actors', 'Canonical actor names, sorted.'),
        ('war_canonical_events', 'places', 'Canonical place names, sorted.'),
        ('war_canonical_events', 'outlet_count', 'Number of sources: distinct outlets reporting the event.'),
        ('war_canonical_events', 'report_count', 'Distinct entries reporting the event.'),
        ('war_canonical_events', 'outlets', 'Outlets reporting the event.'),
        ('war_canonical_events', 'story_ids', 'Stories of the reporting entries.'),
        ('war_canonical_events', 'sources', 'Each report: entry_id, event_id, outlet, url and evidence sentence.'),
        ('story_redirects', NULL, 'A story merged into another leaves a redirect here, so old story ids stay resolvable (story_current(id) follows it).'),
        ('story_redirects', 'from_story_id', 'The merged-away story id.'),
        ('story_redirects', 'to_story_id', 'The story it now belongs to.'),
        ('story_redirects', 'entry_id', 'The entry that bridged the two stories.'),
        ('story_redirects', 'merged_at', 'When the stories were merged.'),
        ('stories', 'merged_into', 'The story this one was merged into; NULL while it stands on its own.')
    ) AS t(rel, col, note)
    LOOP
        IF to_regclass(d.rel) IS NULL THEN
            CONTINUE;
        ELSIF d.col IS NULL THEN
            EXECUTE format('COMMENT ON %s %I IS %L',
                CASE WHEN (SELECT relkind FROM pg_class WHERE oid = to_regclass(d.rel)) = 'v'
                     THEN 'VIEW' ELSE 'TABLE' END, d.rel, d.note);
        ELSIF EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass(d.rel)
                      AND attname = d.col AND NOT attisdropped) THEN
            EXECUTE format('COMMENT ON COLUMN %I.%I IS %L', d.rel, d.col, d.note);
        END IF;
    END LOOP;
END
$$;
