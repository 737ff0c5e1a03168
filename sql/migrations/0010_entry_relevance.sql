-- Items of a digest that are not about this war (a world-news brief's item on floods or
-- migrants) are kept as entries but marked, and left out of the analysts' war views.

ALTER TABLE entries ADD COLUMN IF NOT EXISTS relevance text NOT NULL DEFAULT 'war';
ALTER TABLE entries ADD COLUMN IF NOT EXISTS relevance_reason text;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_constraint WHERE conname = 'entries_relevance_check') THEN
        ALTER TABLE entries ADD CONSTRAINT entries_relevance_check
            CHECK (relevance IN ('war', 'off_topic'));
    END IF;
END
$$;

CREATE OR REPLACE VIEW war_entries WITH (security_barrier) AS
SELECT e.entry_id, e.entry_key, e.war_day, e.war_date, e.date_source,
       d.published_at, d.outlet, d.url, d.title AS document_title,
       e.section, e.headline, e.text, e.story_id, e.tagger_version, e.updated_at, e.search,
       e.relevance
FROM entries e
JOIN documents d USING (document_id)
WHERE e.is_live AND e.relevance = 'war';

CREATE OR REPLACE VIEW war_events WITH (security_barrier) AS
SELECT ev.event_id, ev.entry_id, e.war_day, e.war_date, ev.event_type, ev.mode,
       ev.acled_sub_event_type, ev.assertion, ev.actors, ev.recipients, ev.places,
       ev.sentence, ev.char_start, ev.char_end
FROM events ev
JOIN entries e USING (entry_id)
WHERE e.is_live AND e.relevance = 'war';

CREATE OR REPLACE VIEW war_figures WITH (security_barrier) AS
SELECT f.figure_id, f.entry_id, e.war_day, e.war_date, f.kind, f.value, f.low, f.high,
       f.qualifier, f.unit, f.subject, f.sentence, f.char_start, f.char_end
FROM figures f
JOIN entries e USING (entry_id)
WHERE e.is_live AND e.relevance = 'war';
