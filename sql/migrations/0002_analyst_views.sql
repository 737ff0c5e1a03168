-- Views for analysts, and a read-only role that sees only them and the tag tables.

CREATE VIEW war_entries AS
SELECT e.entry_id, e.entry_key, e.war_day, e.war_date, e.date_source,
       d.published_at, d.outlet, d.url, d.title AS document_title,
       e.section, e.headline, e.text, e.story_id, e.tagger_version, e.updated_at, e.search
FROM entries e
JOIN documents d USING (document_id)
WHERE e.is_live;

CREATE VIEW war_events AS
SELECT ev.event_id, ev.entry_id, e.war_day, e.war_date, ev.event_type, ev.mode,
       ev.acled_sub_event_type, ev.assertion, ev.actors, ev.recipients, ev.places,
       ev.sentence, ev.char_start, ev.char_end
FROM events ev
JOIN entries e USING (entry_id)
WHERE e.is_live;

CREATE VIEW war_figures AS
SELECT f.figure_id, f.entry_id, e.war_day, e.war_date, f.kind, f.value, f.low, f.high,
       f.qualifier, f.unit, f.subject, f.sentence, f.char_start, f.char_end
FROM figures f
JOIN entries e USING (entry_id)
WHERE e.is_live;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'warday_analyst') THEN
        CREATE ROLE warday_analyst NOLOGIN;
    END IF;
END
$$;

GRANT SELECT ON war_entries, war_events, war_figures, stories,
                actor_mentions, place_mentions, entry_changes
      TO warday_analyst;
