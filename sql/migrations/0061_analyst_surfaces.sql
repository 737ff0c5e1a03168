-- Analyst surfaces: a flat event table in the manner of conflict-event datasets, views that
-- hide retracted (and off-topic) entries, tagger and extractor versions, the change feed,
-- the indexes the README's queries use, and a comment on every view and column.

-- The relevance contract (same definition wherever it is added first).
ALTER TABLE entries ADD COLUMN IF NOT EXISTS relevance text NOT NULL DEFAULT 'war';
ALTER TABLE entries ADD COLUMN IF NOT EXISTS relevance_reason text;

CREATE INDEX IF NOT EXISTS entries_war_day ON entries (war_day);
CREATE INDEX IF NOT EXISTS entries_story ON entries (story_id);
CREATE INDEX IF NOT EXISTS place_mentions_entry_name ON place_mentions (entry_id, name);
CREATE INDEX IF NOT EXISTS place_mentions_admin1 ON place_mentions (admin1, entry_id);
CREATE INDEX IF NOT EXISTS actor_mentions_entry_name ON actor_mentions (entry_id, name);
CREATE INDEX IF NOT EXISTS figures_entry_sentence ON figures (entry_id, sentence);

-- Existing columns keep their places (CREATE OR REPLACE may only append).
CREATE OR REPLACE VIEW war_entries WITH (security_barrier) AS
SELECT e.entry_id, e.entry_key, e.war_day, e.war_date, e.date_source,
       d.published_at, d.outlet, d.url, d.title AS document_title,
       e.section, e.headline, e.text, e.story_id, e.tagger_version, e.updated_at, e.search,
       e.relevance, d.extractor_version, e.document_id
FROM entries e
JOIN documents d USING (document_id)
WHERE e.is_live AND e.relevance = 'war';

CREATE OR REPLACE VIEW war_events WITH (security_barrier) AS
SELECT ev.event_id, ev.entry_id, e.war_day, e.war_date, ev.event_type, ev.mode,
       ev.acled_sub_event_type, ev.assertion, ev.actors, ev.recipients, ev.places,
       ev.sentence, ev.char_start, ev.char_end,
       e.date_source,
       ev.actors[1] AS actor1,
       a1.side AS actor1_side,
       coalesce(ev.recipients[1], ev.actors[2]) AS actor2,
       a2.side AS actor2_side,
       ev.places[1] AS place,
       pm.admin1, pm.country, pm.lat, pm.lon,
       fg.fatalities, fg.injuries,
       d.outlet, d.url, e.headline, e.story_id,
       coalesce(ns.sources, 1) AS number_of_sources,
       ev.tagger_version, d.extractor_version
FROM events ev
JOIN entries e ON e.entry_id = ev.entry_id
JOIN documents d ON d.document_id = e.document_id
-- The first mention of the event's first place in the entry: one row per event.
LEFT JOIN place_mentions pm
       ON pm.entry_id = ev.entry_id AND pm.name = ev.places[1]
      AND pm.mention_id = (SELECT min(m.mention_id) FROM place_mentions m
                           WHERE m.entry_id = ev.entry_id AND m.name = ev.places[1])
LEFT JOIN LATERAL (SELECT am.side FROM actor_mentions am
                   WHERE am.entry_id = ev.entry_id AND am.name = ev.actors[1]
                   ORDER BY am.mention_id LIMIT 1) a1 ON true
LEFT JOIN LATERAL (SELECT am.side FROM actor_mentions am
                   WHERE am.entry_id = ev.entry_id
                     AND am.name = coalesce(ev.recipients[1], ev.actors[2])
                   ORDER BY am.mention_id LIMIT 1) a2 ON true
-- Casualty figures stated in the event's own sentence (lower bound when a range).
LEFT JOIN LATERAL (SELECT sum(coalesce(f.value, f.low)) FILTER (WHERE f.kind = 'killed')
                              AS fatalities,
                          sum(coalesce(f.value, f.low)) FILTER (WHERE f.kind = 'wounded')
                              AS injuries
                   FROM figures f
                   WHERE f.entry_id = ev.entry_id AND f.sentence = ev.sentence) fg ON true
-- Outlets telling the entry's story (live, war-relevant entries only).
LEFT JOIN LATERAL (SELECT count(DISTINCT coalesce(d2.outlet, d2.doc_key)) AS sources
                   FROM entries e2 JOIN documents d2 ON d2.document_id = e2.document_id
                   WHERE e2.story_id = e.story_id AND e2.is_live
                     AND e2.relevance = 'war') ns ON e.story_id IS NOT NULL
WHERE e.is_live AND e.relevance = 'war';

CREATE OR REPLACE VIEW war_figures WITH (security_barrier) AS
SELECT f.figure_id, f.entry_id, e.war_day, e.war_date, f.kind, f.value, f.low, f.high,
       f.qualifier, f.unit, f.subject, f.sentence, f.char_start, f.char_end,
       e.date_source, d.outlet, d.url, e.headline, e.story_id, f.tagger_version
FROM figures f
JOIN entries e USING (entry_id)
JOIN documents d ON d.document_id = e.document_id
WHERE e.is_live AND e.relevance = 'war';

CREATE OR REPLACE VIEW war_actor_mentions WITH (security_barrier) AS
SELECT m.mention_id, m.entry_id, e.war_day, e.war_date, m.name, m.kind, m.side, m.surface,
       m.sentence, m.char_start, m.char_end, m.tagger_version
FROM actor_mentions m
JOIN entries e USING (entry_id)
WHERE e.is_live AND e.relevance = 'war';

CREATE OR REPLACE VIEW war_place_mentions WITH (security_barrier) AS
SELECT m.mention_id, m.entry_id, e.war_day, e.war_date, m.name, m.admin1, m.country, m.lat,
       m.lon, m.surface, m.sentence, m.char_start, m.char_end, m.tagger_version
FROM place_mentions m
JOIN entries e USING (entry_id)
WHERE e.is_live AND e.relevance = 'war';

-- The change feed: every change stays visible (a retraction is news to a consumer), but a
-- retracted entry's content is not.
CREATE OR REPLACE VIEW war_changes WITH (security_barrier) AS
SELECT c.seq, c.entry_id, c.op, c.changed_at,
       CASE WHEN e.is_live THEN e.war_day END AS war_day,
       CASE WHEN e.is_live THEN e.war_date END AS war_date,
       CASE WHEN e.is_live THEN d.outlet END AS outlet,
       CASE WHEN e.is_live THEN e.headline END AS headline
FROM entry_changes c
JOIN entries e ON e.entry_id = c.entry_id
JOIN documents d ON d.document_id = e.document_id
WHERE e.relevance = 'war';

-- Which tagger and extractor made what analysts see.
CREATE OR REPLACE VIEW war_versions WITH (security_barrier) AS
SELECT e.tagger_version, d.extractor_version, count(*) AS entries,
       min(e.war_date) AS first_war_date, max(e.war_date) AS last_war_date,
       max(e.updated_at) AS last_updated
FROM entries e
JOIN documents d ON d.document_id = e.document_id
WHERE e.is_live AND e.relevance = 'war'
GROUP BY e.tagger_version, d.extractor_version;

GRANT SELECT ON war_entries, war_events, war_figures, war_actor_mentions, war_place_mentions,
                war_changes, war_versions
      TO warday_analyst;
-- Mentions are read through the views that hide retracted entries.
REVOKE SELECT ON actor_mentions, place_mentions FROM warday_analyst;

COMMENT ON VIEW war_entries IS 'One row per live, war-relevant entry (a sub-story of a digest, or a whole article); retracted and off-topic entries are hidden.';
COMMENT ON COLUMN war_entries.entry_id IS 'Entry id (stable across reprocessing).';
COMMENT ON COLUMN war_entries.entry_key IS 'Stable natural key of the entry: document, position and headline, hashed.';
COMMENT ON COLUMN war_entries.war_day IS 'War day number: day 1 is 2022-02-24.';
COMMENT ON COLUMN war_entries.war_date IS 'Calendar date of the war day (Kyiv calendar).';
COMMENT ON COLUMN war_entries.date_source IS 'Where the war date comes from: day_number (stated "Day N"), metadata (the document''s own date), dateline (a date in the text), logical_date (the run''s fallback date: nothing in the document dates it), none.';
COMMENT ON COLUMN war_entries.published_at IS 'Publication time the outlet gives, with zone.';
COMMENT ON COLUMN war_entries.outlet IS 'Outlet that published the document.';
COMMENT ON COLUMN war_entries.url IS 'Canonical URL of the document (tracking parameters removed).';
COMMENT ON COLUMN war_entries.document_title IS 'Title of the whole document (a digest''s title for its sub-stories).';
COMMENT ON COLUMN war_entries.section IS 'Section of a digest the entry sits in: summary (the lead spanning all sub-stories) or the digest''s own heading; NULL for a plain article.';
COMMENT ON COLUMN war_entries.headline IS 'Headline of the entry (the sub-story''s heading or first sentence).';
COMMENT ON COLUMN war_entries.text IS 'Clean text of the entry; every tag''s char_start/char_end index into it.';
COMMENT ON COLUMN war_entries.story_id IS 'Story linking the same happening across outlets (stories.story_id).';
COMMENT ON COLUMN war_entries.tagger_version IS 'Version of the tagger that made this entry''s tags.';
COMMENT ON COLUMN war_entries.updated_at IS 'When the entry last changed.';
COMMENT ON COLUMN war_entries.search IS 'Full-text vector (English) of headline and text: use search @@ websearch_to_tsquery(''english'', ...).';
COMMENT ON COLUMN war_entries.relevance IS 'Always war here: entries not about this war (relevance off_topic) are left out of every war_* view.';
COMMENT ON COLUMN war_entries.extractor_version IS 'Version of the extractor that made the document''s clean text.';
COMMENT ON COLUMN war_entries.document_id IS 'Document the entry belongs to.';

COMMENT ON VIEW war_events IS 'One row per tagged event of a live, war-relevant entry, flat in the manner of conflict-event datasets (ACLED): who did what to whom, where, with the casualty figures of its sentence and the outlets behind its story.';
COMMENT ON COLUMN war_events.event_id IS 'Event id.';
COMMENT ON COLUMN war_events.entry_id IS 'Entry the event was tagged in (war_entries.entry_id).';
COMMENT ON COLUMN war_events.war_day IS 'War day number: day 1 is 2022-02-24.';
COMMENT ON COLUMN war_events.war_date IS 'Calendar date of the war day.';
COMMENT ON COLUMN war_events.event_type IS 'PLOVER event type: AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT.';
COMMENT ON COLUMN war_events.mode IS 'How, where a type has modes: ASSAULT aerial, drone, heavy-weapons, explosives, firearms; MOBILIZE troops, weapons, military; RETREAT withdraw, ceasefire; COERCE seize, arrest, deport, release; SANCTION economic; NULL otherwise.';
COMMENT ON COLUMN war_events.acled_sub_event_type IS 'ACLED sub-event type of violent events: Air/drone strike; Shelling/artillery/missile attack; Armed clash; Government regains territory; Remote explosive/landmine/IED; NULL otherwise.';
COMMENT ON COLUMN war_events.assertion IS 'asserted (the sentence says it happened), denied (it says it did not), hedged (reported, alleged, unconfirmed).';
COMMENT ON COLUMN war_events.actors IS 'Canonical names of the actors (who did it), in order of mention.';
COMMENT ON COLUMN war_events.recipients IS 'Canonical names of the recipients (to whom), in order of mention.';
COMMENT ON COLUMN war_events.places IS 'Canonical names of the places of the event, in order of mention.';
COMMENT ON COLUMN war_events.sentence IS 'The source sentence the event was read from (the evidence).';
COMMENT ON COLUMN war_events.char_start IS 'Start offset of the evidence in war_entries.text.';
COMMENT ON COLUMN war_events.char_end IS 'End offset (exclusive) of the evidence in war_entries.text.';
COMMENT ON COLUMN war_events.date_source IS 'Where the war date comes from: day_number, metadata, dateline, logical_date (the run''s fallback date), none.';
COMMENT ON COLUMN war_events.actor1 IS 'First actor (ACLED actor1).';
COMMENT ON COLUMN war_events.actor1_side IS 'Side of actor1: the country or body it belongs to (e.g. Russia, Ukraine, NATO); NULL when unknown.';
COMMENT ON COLUMN war_events.actor2 IS 'First recipient, else second actor (ACLED actor2).';
COMMENT ON COLUMN war_events.actor2_side IS 'Side of actor2: the country or body it belongs to; NULL when unknown.';
COMMENT ON COLUMN war_events.place IS 'First place of the event (canonical name).';
COMMENT ON COLUMN war_events.admin1 IS 'First-level unit of the place (oblast, federal subject, state), e.g. Kharkiv Oblast.';
COMMENT ON COLUMN war_events.country IS 'Country of the place.';
COMMENT ON COLUMN war_events.lat IS 'Latitude of the place (WGS 84).';
COMMENT ON COLUMN war_events.lon IS 'Longitude of the place (WGS 84).';
COMMENT ON COLUMN war_events.fatalities IS 'People killed per the figures of the event''s own sentence (lower bound of a range); NULL when it states none.';
COMMENT ON COLUMN war_events.injuries IS 'People wounded per the figures of the event''s own sentence (lower bound of a range); NULL when it states none.';
COMMENT ON COLUMN war_events.outlet IS 'Outlet that reported it.';
COMMENT ON COLUMN war_events.url IS 'URL of the report.';
COMMENT ON COLUMN war_events.headline IS 'Headline of the entry.';
COMMENT ON COLUMN war_events.story_id IS 'Story linking the same happening across outlets.';
COMMENT ON COLUMN war_events.number_of_sources IS 'Distinct outlets telling the entry''s story (1 when the entry has no story yet).';
COMMENT ON COLUMN war_events.tagger_version IS 'Version of the tagger that made the event.';
COMMENT ON COLUMN war_events.extractor_version IS 'Version of the extractor that made the text.';

COMMENT ON VIEW war_figures IS 'One row per number tagged in a live, war-relevant entry (casualties, troops, weapons, money, ...), with its sentence and source.';
COMMENT ON COLUMN war_figures.figure_id IS 'Figure id.';
COMMENT ON COLUMN war_figures.entry_id IS 'Entry the figure was tagged in.';
COMMENT ON COLUMN war_figures.war_day IS 'War day number: day 1 is 2022-02-24.';
COMMENT ON COLUMN war_figures.war_date IS 'Calendar date of the war day.';
COMMENT ON COLUMN war_figures.kind IS 'What is counted, e.g. killed, wounded, killed_or_wounded, captured, detained, deported, displaced, evacuated, released, troops, missiles, drones, equipment, money.';
COMMENT ON COLUMN war_figures.value IS 'The number when a single one is stated.';
COMMENT ON COLUMN war_figures.low IS 'Lower bound (a range, or "at least"/"more than").';
COMMENT ON COLUMN war_figures.high IS 'Upper bound (a range, or "up to"/"less than").';
COMMENT ON COLUMN war_figures.qualifier IS 'How the number is hedged: at_least, more_than, about, nearly, up_to, less_than, vague; NULL when exact.';
COMMENT ON COLUMN war_figures.unit IS 'Unit: people, items, or a currency for money.';
COMMENT ON COLUMN war_figures.subject IS 'Whose number it is (civilians, soldiers, ...), when stated.';
COMMENT ON COLUMN war_figures.sentence IS 'The source sentence (the evidence).';
COMMENT ON COLUMN war_figures.char_start IS 'Start offset of the number in war_entries.text.';
COMMENT ON COLUMN war_figures.char_end IS 'End offset (exclusive) in war_entries.text.';
COMMENT ON COLUMN war_figures.date_source IS 'Where the war date comes from: day_number, metadata, dateline, logical_date (fallback), none.';
COMMENT ON COLUMN war_figures.outlet IS 'Outlet that reported it.';
COMMENT ON COLUMN war_figures.url IS 'URL of the report.';
COMMENT ON COLUMN war_figures.headline IS 'Headline of the entry.';
COMMENT ON COLUMN war_figures.story_id IS 'Story of the entry.';
COMMENT ON COLUMN war_figures.tagger_version IS 'Version of the tagger that made the figure.';

COMMENT ON VIEW war_actor_mentions IS 'Every mention of an actor (person, state, organisation, armed force) in a live, war-relevant entry.';
COMMENT ON COLUMN war_actor_mentions.mention_id IS 'Mention id.';
COMMENT ON COLUMN war_actor_mentions.entry_id IS 'Entry of the mention.';
COMMENT ON COLUMN war_actor_mentions.war_day IS 'War day number.';
COMMENT ON COLUMN war_actor_mentions.war_date IS 'Calendar date of the war day.';
COMMENT ON COLUMN war_actor_mentions.name IS 'Canonical name (Zelensky for Zelenskyy, Zelenskyi, ...).';
COMMENT ON COLUMN war_actor_mentions.kind IS 'person, state, organisation, armed_force, unit or group.';
COMMENT ON COLUMN war_actor_mentions.side IS 'Country or body the actor belongs to (e.g. Russia, Ukraine, NATO); NULL when unknown.';
COMMENT ON COLUMN war_actor_mentions.surface IS 'The words as written in the text.';
COMMENT ON COLUMN war_actor_mentions.sentence IS 'The sentence of the mention.';
COMMENT ON COLUMN war_actor_mentions.char_start IS 'Start offset of the surface in war_entries.text.';
COMMENT ON COLUMN war_actor_mentions.char_end IS 'End offset (exclusive).';
COMMENT ON COLUMN war_actor_mentions.tagger_version IS 'Version of the tagger.';

COMMENT ON VIEW war_place_mentions IS 'Every mention of a place in a live, war-relevant entry, with its oblast, country and coordinates.';
COMMENT ON COLUMN war_place_mentions.mention_id IS 'Mention id.';
COMMENT ON COLUMN war_place_mentions.entry_id IS 'Entry of the mention.';
COMMENT ON COLUMN war_place_mentions.war_day IS 'War day number.';
COMMENT ON COLUMN war_place_mentions.war_date IS 'Calendar date of the war day.';
COMMENT ON COLUMN war_place_mentions.name IS 'Canonical place name.';
COMMENT ON COLUMN war_place_mentions.admin1 IS 'First-level unit (oblast, federal subject, state), e.g. Kharkiv Oblast.';
COMMENT ON COLUMN war_place_mentions.country IS 'Country.';
COMMENT ON COLUMN war_place_mentions.lat IS 'Latitude (WGS 84).';
COMMENT ON COLUMN war_place_mentions.lon IS 'Longitude (WGS 84).';
COMMENT ON COLUMN war_place_mentions.surface IS 'The words as written in the text.';
COMMENT ON COLUMN war_place_mentions.sentence IS 'The sentence of the mention.';
COMMENT ON COLUMN war_place_mentions.char_start IS 'Start offset of the surface in war_entries.text.';
COMMENT ON COLUMN war_place_mentions.char_end IS 'End offset (exclusive).';
COMMENT ON COLUMN war_place_mentions.tagger_version IS 'Version of the tagger.';

COMMENT ON VIEW war_changes IS 'The change feed for analysts: one row per change, in seq order; keep the largest seq read and ask for seq > it next time. A retracted entry shows its retract row, never its content.';
COMMENT ON COLUMN war_changes.seq IS 'Position in the change feed (commit order): the cursor.';
COMMENT ON COLUMN war_changes.entry_id IS 'Entry that changed.';
COMMENT ON COLUMN war_changes.op IS 'upsert (new or changed entry or tags) or retract (a revised digest no longer has the entry).';
COMMENT ON COLUMN war_changes.changed_at IS 'When the change was recorded.';
COMMENT ON COLUMN war_changes.war_day IS 'War day number of the entry (NULL once retracted).';
COMMENT ON COLUMN war_changes.war_date IS 'War date of the entry (NULL once retracted).';
COMMENT ON COLUMN war_changes.outlet IS 'Outlet of the entry (NULL once retracted).';
COMMENT ON COLUMN war_changes.headline IS 'Headline of the entry (NULL once retracted).';

COMMENT ON VIEW war_versions IS 'Which tagger and extractor versions made the live entries, with how many and over which war dates.';
COMMENT ON COLUMN war_versions.tagger_version IS 'Tagger version.';
COMMENT ON COLUMN war_versions.extractor_version IS 'Extractor version.';
COMMENT ON COLUMN war_versions.entries IS 'Live, war-relevant entries made by this pair.';
COMMENT ON COLUMN war_versions.first_war_date IS 'Earliest war date among them.';
COMMENT ON COLUMN war_versions.last_war_date IS 'Latest war date among them.';
COMMENT ON COLUMN war_versions.last_updated IS 'When one of them last changed.';

COMMENT ON TABLE stories IS 'Stories: entries about the same happening across outlets.';
COMMENT ON COLUMN stories.story_id IS 'Story id (war_entries.story_id).';
COMMENT ON COLUMN stories.label IS 'Label of the story: the headline of its first entry.';
COMMENT ON COLUMN stories.war_date IS 'War date of its first entry.';
COMMENT ON COLUMN stories.created_at IS 'When the story was opened.';

COMMENT ON TABLE entry_changes IS 'The raw change feed (append-only): prefer war_changes, which hides retracted content.';
COMMENT ON COLUMN entry_changes.seq IS 'Position in the change feed (commit order): the cursor.';
COMMENT ON COLUMN entry_changes.entry_id IS 'Entry that changed.';
COMMENT ON COLUMN entry_changes.op IS 'upsert or retract.';
COMMENT ON COLUMN entry_changes.content_hash IS 'Hash of the entry content as of the change.';
COMMENT ON COLUMN entry_changes.changed_at IS 'When the change was recorded.';
