-- Named queries used by store/repo.py. Each starts with "-- name: <name>".

-- name: raw_versions
-- Each document's current version (all NULL when it has none) and the id of any version
-- with the given bytes (a revert), in one round trip.
SELECT k.doc_key, c.raw_id, c.content_hash, c.meta, c.status,
       (SELECT v.raw_id FROM raw_documents v
        WHERE v.doc_key = k.doc_key AND v.content_hash = k.content_hash
        LIMIT 1) AS same_bytes
FROM unnest(%(doc_keys)s::text[], %(content_hashes)s::text[]) AS k(doc_key, content_hash)
LEFT JOIN raw_documents c ON c.doc_key = k.doc_key AND c.is_current;

-- name: retire_raw
UPDATE raw_documents
SET is_current = false,
    status = CASE WHEN status IN ('pending', 'failed') THEN 'superseded' ELSE status END
WHERE raw_id = %(raw_id)s;

-- name: revive_raw
UPDATE raw_documents
SET is_current = true, status = 'pending', meta = %(meta)s, fetched_at = %(fetched_at)s,
    requested_url = %(requested_url)s, final_url = %(final_url)s, headers = %(headers)s,
    source_id = %(source_id)s, previous_raw_id = %(previous_raw_id)s
WHERE raw_id = %(raw_id)s;

-- name: lock_doc_keys
-- Held to the end of the transaction: two tasks landing one document take turns. Taken in
-- the order given (sorted by the caller).
SELECT pg_advisory_xact_lock(hashtext(k.doc_key))
FROM unnest(%(doc_keys)s::text[]) WITH ORDINALITY AS k(doc_key, n)
ORDER BY k.n;

-- name: refresh_raw_meta
UPDATE raw_documents SET meta = %(meta)s, status = 'pending' WHERE raw_id = %(raw_id)s;

-- name: insert_raw
INSERT INTO raw_documents (source_id, content_hash, doc_key, requested_url, final_url, media_type,
                           headers, meta, body, fetched_at, previous_raw_id)
VALUES (%(source_id)s, %(content_hash)s, %(doc_key)s, %(requested_url)s, %(final_url)s,
        %(media_type)s, %(headers)s, %(meta)s, %(body)s, %(fetched_at)s, %(previous_raw_id)s);

-- name: claim_pending
-- Workers share the queue: each takes rows no other transaction holds, without waiting.
-- Files landed by hand (no registry source) are named 'cli' in dead letters. As the queue
-- drains, a claim takes at most a quarter of what is left, so the workers run out of work
-- together instead of one finishing a full last batch while the others wait.
SELECT raw_id, doc_key, requested_url, final_url, media_type, meta, fetched_at,
       coalesce((SELECT s.name FROM sources s WHERE s.source_id = raw_documents.source_id),
                'cli') AS source_name,
       -- small bodies come along (one round trip per batch); large ones are read one by one
       CASE WHEN octet_length(body) <= %(inline_bytes)s THEN body END AS body
FROM raw_documents
WHERE is_current
  AND (status = 'pending' OR (status = 'failed' AND processed_by IS DISTINCT FROM %(version)s))
ORDER BY raw_id
LIMIT least(%(limit)s, greatest(1, ceil((
    SELECT count(*) FROM (  -- counted only up to what a full batch needs: O(batch), not O(queue)
        SELECT 1 FROM raw_documents
        WHERE is_current
          AND (status = 'pending'
               OR (status = 'failed' AND processed_by IS DISTINCT FROM %(version)s))
        LIMIT 4 * %(limit)s) AS waiting
) / 4.0)))
FOR UPDATE SKIP LOCKED;

-- name: raw_body
SELECT body FROM raw_documents WHERE raw_id = %(raw_id)s;

-- name: mark_processed
UPDATE raw_documents
SET status = 'processed', processed_by = %(version)s, processed_at = now()
WHERE raw_id = ANY(%(raw_ids)s);

-- name: mark_raw
UPDATE raw_documents
SET status = %(status)s, processed_by = %(version)s, processed_at = now()
WHERE raw_id = %(raw_id)s;

-- name: lock_documents
-- A batch's document keys locked to the end of the transaction, in the order given (the
-- caller sorts them, so two workers never wait on each other in a cycle): no other worker
-- writes these documents meanwhile. Two-key form, apart from landing's one-key lock and the
-- feed's and link step's. The stored entries are read by the next statement: this one's
-- snapshot predates any wait for a lock.
SELECT pg_advisory_xact_lock(1466196293, hashtext(k.doc_key))
FROM unnest(%(doc_keys)s::text[]) WITH ORDINALITY AS k(doc_key, n)
ORDER BY k.n;

-- name: documents_entries
-- The stored entries of these documents, with their document's key.
SELECT d.doc_key, e.entry_key, e.entry_id, e.ordinal, e.headline, e.content_hash, e.is_live,
       e.tagger_version
FROM documents d
JOIN entries e ON e.document_id = d.document_id
WHERE d.doc_key = ANY(%(doc_keys)s);

-- name: upsert_documents
-- A batch's documents in one statement, from a JSON array of rows (no key twice); each id by
-- its key.
INSERT INTO documents (doc_key, raw_id, url, outlet, title, author, dateline, published_at,
                       modified_at, clean_text, language, war_day_reported, war_day, war_date,
                       date_source, date_flags, extractor_version)
SELECT doc_key, raw_id, url, outlet, title, author, dateline, published_at, modified_at,
       clean_text, language, war_day_reported, war_day, war_date, date_source, date_flags,
       extractor_version
FROM jsonb_to_recordset(%(rows)s)
    AS r(doc_key text, raw_id bigint, url text, outlet text, title text, author text,
         dateline text, published_at timestamptz, modified_at timestamptz, clean_text text,
         language text, war_day_reported int, war_day int, war_date date, date_source text,
         date_flags text[], extractor_version text)
ON CONFLICT (doc_key) DO UPDATE
    SET raw_id = EXCLUDED.raw_id, url = EXCLUDED.url, outlet = EXCLUDED.outlet,
        title = EXCLUDED.title, author = EXCLUDED.author, dateline = EXCLUDED.dateline,
        published_at = EXCLUDED.published_at, modified_at = EXCLUDED.modified_at,
        clean_text = EXCLUDED.clean_text, language = EXCLUDED.language,
        war_day_reported = EXCLUDED.war_day_reported, war_day = EXCLUDED.war_day,
        war_date = EXCLUDED.war_date, date_source = EXCLUDED.date_source,
        date_flags = EXCLUDED.date_flags, extractor_version = EXCLUDED.extractor_version,
        updated_at = now()
RETURNING document_id, doc_key;

-- name: retract_entries_many
-- Several documents' entries that are not among the keys each still has, marked not live.
UPDATE entries e SET is_live = false, updated_at = now()
FROM jsonb_to_recordset(%(documents)s) AS d(document_id bigint, keep text[])
WHERE e.document_id = d.document_id AND e.is_live AND NOT (e.entry_key = ANY(d.keep))
RETURNING e.document_id, e.entry_id, e.content_hash;

-- name: upsert_entries
-- A document's changed entries in one statement, from a JSON array of rows; each row's id
-- by its key.
INSERT INTO entries (entry_key, document_id, ordinal, section, headline, text, war_day, war_date,
                     date_source, relevance, relevance_reason, content_hash, tagger_version,
                     tags_hash, fingerprint)
SELECT entry_key, document_id, ordinal, section, headline, text, war_day, war_date, date_source,
       relevance, relevance_reason, content_hash, tagger_version, tags_hash, fingerprint
FROM jsonb_to_recordset(%(rows)s)
    AS r(entry_key text, document_id bigint, ordinal int, section text, headline text,
         text text, war_day int, war_date date, date_source text, relevance text,
         relevance_reason text, content_hash text, tagger_version text, tags_hash text,
         fingerprint jsonb)
ON CONFLICT (entry_key) DO UPDATE
    SET document_id = EXCLUDED.document_id, ordinal = EXCLUDED.ordinal,
        section = EXCLUDED.section, headline = EXCLUDED.headline, text = EXCLUDED.text,
        war_day = EXCLUDED.war_day, war_date = EXCLUDED.war_date,
        date_source = EXCLUDED.date_source, relevance = EXCLUDED.relevance,
        relevance_reason = EXCLUDED.relevance_reason, content_hash = EXCLUDED.content_hash,
        tagger_version = EXCLUDED.tagger_version, tags_hash = EXCLUDED.tags_hash,
        fingerprint = EXCLUDED.fingerprint, is_live = true, updated_at = now()
RETURNING entry_id, entry_key;

-- name: move_entry
UPDATE entries SET ordinal = %(ordinal)s WHERE entry_id = %(entry_id)s;

-- name: publish_changes
-- seq is drawn in commit order by the trigger of migration 0040.
INSERT INTO entry_changes (entry_id, op, content_hash)
SELECT * FROM unnest(%(entry_ids)s::bigint[], %(ops)s::text[], %(hashes)s::text[])
RETURNING seq;

-- name: notify_changes
SELECT pg_notify('warday_entry_changes', id::text) FROM unnest(%(entry_ids)s::bigint[]) AS id;

-- name: replace_tags_many
-- Several entries' tags swapped for new ones in one statement; each table's new rows come as
-- one JSON array. The deletes remove only the old rows: every part of one statement reads
-- the same snapshot, so none sees the rows the others insert.
WITH gone_events AS (DELETE FROM events WHERE entry_id = ANY(%(entry_ids)s)),
     gone_figures AS (DELETE FROM figures WHERE entry_id = ANY(%(entry_ids)s)),
     gone_actors AS (DELETE FROM actor_mentions WHERE entry_id = ANY(%(entry_ids)s)),
     gone_places AS (DELETE FROM place_mentions WHERE entry_id = ANY(%(entry_ids)s)),
     new_events AS (
    INSERT INTO events (entry_id, event_type, mode, acled_sub_event_type, assertion, actors,
                        recipients, places, sentence, char_start, char_end, tagger_version,
                        confidence)
    SELECT entry_id, event_type, mode, acled_sub_event_type, assertion, actors, recipients,
           places, sentence, start, "end", %(tagger_version)s, confidence
    FROM jsonb_to_recordset(%(events)s)
        AS t(entry_id bigint, event_type text, mode text, acled_sub_event_type text,
             assertion text, actors text[], recipients text[], places text[], sentence text,
             start int, "end" int, confidence real)),
     new_figures AS (
    INSERT INTO figures (entry_id, kind, value, low, high, qualifier, unit, subject, sentence,
                         char_start, char_end, tagger_version)
    SELECT entry_id, kind, value, low, high, qualifier, unit, subject, sentence, start, "end",
           %(tagger_version)s
    FROM jsonb_to_recordset(%(figures)s)
        AS t(entry_id bigint, kind text, value numeric, low numeric, high numeric,
             qualifier text, unit text, subject text, sentence text, start int, "end" int)),
     new_actors AS (
    INSERT INTO actor_mentions (entry_id, name, kind, side, surface, sentence, char_start,
                                char_end, tagger_version, confidence, discovered)
    SELECT entry_id, name, kind, side, surface, sentence, start, "end", %(tagger_version)s,
           confidence, discovered
    FROM jsonb_to_recordset(%(actors)s)
        AS t(entry_id bigint, name text, kind text, side text, surface text, sentence text,
             start int, "end" int, confidence real, discovered boolean))
INSERT INTO place_mentions (entry_id, name, admin1, country, lat, lon, surface, sentence,
                            char_start, char_end, tagger_version, confidence, discovered)
SELECT entry_id, name, admin1, country, lat, lon, surface, sentence, start, "end",
       %(tagger_version)s, confidence, discovered
FROM jsonb_to_recordset(%(places)s)
    AS t(entry_id bigint, name text, admin1 text, country text, lat float8, lon float8,
         surface text, sentence text, start int, "end" int, confidence real,
         discovered boolean);

-- name: clear_tags
WITH e AS (DELETE FROM events WHERE entry_id = %(entry_id)s),
     f AS (DELETE FROM figures WHERE entry_id = %(entry_id)s),
     a AS (DELETE FROM actor_mentions WHERE entry_id = %(entry_id)s)
DELETE FROM place_mentions WHERE entry_id = %(entry_id)s;

-- name: insert_event
INSERT INTO events (entry_id, event_type, mode, acled_sub_event_type, assertion, actors,
                    recipients, places, sentence, char_start, char_end, tagger_version,
                    confidence)
VALUES (%(entry_id)s, %(event_type)s, %(mode)s, %(acled_sub_event_type)s, %(assertion)s,
        %(actors)s, %(recipients)s, %(places)s, %(sentence)s, %(start)s, %(end)s,
        %(tagger_version)s, %(confidence)s);

-- name: insert_figure
INSERT INTO figures (entry_id, kind, value, low, high, qualifier, unit, subject, sentence,
                     char_start, char_end, tagger_version)
VALUES (%(entry_id)s, %(kind)s, %(value)s, %(low)s, %(high)s, %(qualifier)s, %(unit)s,
        %(subject)s, %(sentence)s, %(start)s, %(end)s, %(tagger_version)s);

-- name: insert_actor_mention
INSERT INTO actor_mentions (entry_id, name, kind, side, surface, sentence, char_start, char_end,
                            tagger_version, confidence, discovered)
VALUES (%(entry_id)s, %(name)s, %(kind)s, %(side)s, %(surface)s, %(sentence)s, %(start)s,
        %(end)s, %(tagger_version)s, %(confidence)s, %(discovered)s);

-- name: insert_place_mention
INSERT INTO place_mentions (entry_id, name, admin1, country, lat, lon, surface, sentence,
                            char_start, char_end, tagger_version, confidence, discovered)
VALUES (%(entry_id)s, %(name)s, %(admin1)s, %(country)s, %(lat)s, %(lon)s, %(surface)s,
        %(sentence)s, %(start)s, %(end)s, %(tagger_version)s, %(confidence)s, %(discovered)s);

-- name: dead_letter
INSERT INTO dead_letters (stage, locator, raw_id, source_name, error_class, message,
                          pipeline_version)
VALUES (%(stage)s, %(locator)s, %(raw_id)s, %(source_name)s, %(error_class)s, %(message)s,
        %(pipeline_version)s)
ON CONFLICT (stage, locator) DO UPDATE
    SET attempts = dead_letters.attempts + 1, last_seen = now(), resolved_at = NULL,
        error_class = EXCLUDED.error_class, message = EXCLUDED.message,
        raw_id = EXCLUDED.raw_id, pipeline_version = EXCLUDED.pipeline_version;

-- name: resolve_dead_letters
UPDATE dead_letters SET resolved_at = now()
WHERE resolved_at IS NULL AND stage = %(stage)s AND locator = ANY(%(locators)s);

-- name: start_run
INSERT INTO pipeline_runs (run_key, trigger, logical_date)
VALUES (%(run_key)s, %(trigger)s, %(logical_date)s)
ON CONFLICT (run_key) DO UPDATE SET status = 'running', finished_at = NULL
RETURNING run_id;

-- name: add_run_counts
UPDATE pipeline_runs SET counts = counts || %(counts)s WHERE run_key = %(run_key)s;

-- name: sum_run_counts
-- A stage several tasks share (the process workers): each one's numbers add to those already
-- recorded; any other value replaces the one before. The row lock makes concurrent tasks
-- take turns, each adding to what the other committed.
UPDATE pipeline_runs r
SET counts = r.counts || jsonb_build_object(
    %(stage)s::text,
    coalesce(r.counts -> %(stage)s, '{}'::jsonb) || (
        SELECT coalesce(jsonb_object_agg(
            n.key,
            CASE WHEN jsonb_typeof(n.value) = 'number'
                      AND jsonb_typeof(r.counts -> %(stage)s -> n.key) = 'number'
                 THEN to_jsonb(n.value::numeric + (r.counts -> %(stage)s -> n.key)::numeric)
                 ELSE n.value END), '{}'::jsonb)
        FROM jsonb_each(%(counts)s) AS n))
WHERE run_key = %(run_key)s;

-- name: finish_run
UPDATE pipeline_runs SET status = %(status)s, finished_at = now() WHERE run_key = %(run_key)s;

-- name: close_run
-- Teardown: an aborted run stays aborted; a run is failed when it already is, when any stage recorded an error or a failed
-- source, or when its gate failed; else success. Closing twice changes nothing.
UPDATE pipeline_runs r
SET finished_at = coalesce(r.finished_at, now()),
    status = CASE
        WHEN r.status = 'aborted' THEN 'aborted'  -- closed as dead by a later start
        WHEN r.status = 'failed'
          OR r.counts -> 'gate' ->> 'verdict' = 'fail'
          OR EXISTS (SELECT 1 FROM jsonb_each(r.counts) c
                     WHERE jsonb_typeof(c.value) = 'object'
                       AND (c.value ? 'error' OR c.value ? 'failed'))
        THEN 'failed' ELSE 'success' END
WHERE r.run_key = %(run_key)s
RETURNING r.status, r.counts;

-- name: run_changes
-- What a run changed: its counts and the change-feed seq range it appended.
SELECT r.counts, min(c.seq) AS first_seq, max(c.seq) AS last_seq,
       count(c.seq) AS changes, min(e.war_date) AS first_war_date,
       max(e.war_date) AS last_war_date
FROM pipeline_runs r
LEFT JOIN entry_changes c ON c.changed_at >= r.started_at
LEFT JOIN entries e ON e.entry_id = c.entry_id
WHERE r.run_key = %(run_key)s
GROUP BY r.run_id;

-- name: raw_days
-- Current raw documents by the UTC day they were fetched: either fetched in [low, high], or
-- behind a document whose war date lies in [low, high].
SELECT (r.fetched_at AT TIME ZONE 'UTC')::date AS day, array_agg(r.raw_id ORDER BY r.raw_id) AS raw_ids
FROM raw_documents r
WHERE r.is_current
  AND CASE WHEN %(by)s = 'fetched'
           THEN (r.fetched_at AT TIME ZONE 'UTC')::date BETWEEN %(low)s AND %(high)s
           ELSE EXISTS (SELECT 1 FROM documents d WHERE d.raw_id = r.raw_id
                        AND d.war_date BETWEEN %(low)s AND %(high)s) END
GROUP BY 1
ORDER BY 1;

-- name: requeue_raw_ids
UPDATE raw_documents SET status = 'pending' WHERE is_current AND raw_id = ANY(%(ids)s);

-- name: story_rows
-- Live entries with the names tagged in them: those without a story (linked = false), or
-- those with one whose war date lies in [low, high] (linked = true).
SELECT e.entry_id, e.document_id, e.section, e.story_id, e.headline, e.text, e.war_date,
       coalesce(array_agg(DISTINCT m.name) FILTER (WHERE m.name IS NOT NULL), '{}') AS names
FROM entries e
LEFT JOIN (SELECT entry_id, name FROM actor_mentions
           UNION ALL SELECT entry_id, name FROM place_mentions) m USING (entry_id)
WHERE e.is_live
  AND CASE WHEN %(linked)s
           THEN e.story_id IS NOT NULL AND e.war_date BETWEEN %(low)s AND %(high)s
           ELSE e.story_id IS NULL END
GROUP BY e.entry_id
ORDER BY e.entry_id;

-- name: new_story
INSERT INTO stories (label, war_date) VALUES (%(label)s, %(war_date)s) RETURNING story_id;

-- name: set_story
UPDATE entries SET story_id = %(story_id)s WHERE entry_id = %(entry_id)s;

-- name: export_entries
SELECT c.op, c.seq, e.entry_id, e.war_day, e.war_date, e.date_source, d.date_flags,
       d.published_at, d.outlet, d.url, e.headline, e.text, e.story_id, e.relevance,
       e.relevance_reason
FROM (SELECT DISTINCT ON (entry_id) entry_id, seq, op FROM entry_changes
      WHERE seq > %(since)s ORDER BY entry_id, seq DESC) c
JOIN entries e USING (entry_id)
JOIN documents d USING (document_id)
ORDER BY c.seq;

-- name: export_count
SELECT count(DISTINCT entry_id) AS n FROM entry_changes WHERE seq > %(since)s;

-- name: export_events
SELECT entry_id, event_type AS type, mode, acled_sub_event_type, assertion, actors, recipients,
       places, sentence, char_start AS start, char_end AS "end", confidence
FROM events WHERE entry_id = ANY(%(ids)s) ORDER BY entry_id, char_start, event_id;

-- name: export_actors
SELECT entry_id, name, kind, side, surface, char_start AS start, char_end AS "end",
       confidence, discovered
FROM actor_mentions WHERE entry_id = ANY(%(ids)s) ORDER BY entry_id, char_start;

-- name: export_places
SELECT entry_id, name, admin1, country, lat, lon, surface, char_start AS start, char_end AS "end",
       confidence, discovered
FROM place_mentions WHERE entry_id = ANY(%(ids)s) ORDER BY entry_id, char_start;

-- name: export_figures
SELECT entry_id, kind, value, low, high, qualifier, unit, subject, sentence,
       char_start AS start, char_end AS "end"
FROM figures WHERE entry_id = ANY(%(ids)s) ORDER BY entry_id, char_start;

-- name: summary_counts
SELECT (SELECT count(*) FROM raw_documents) AS raw_documents,
       (SELECT count(*) FROM documents) AS documents,
       (SELECT count(*) FROM entries WHERE is_live) AS entries,
       (SELECT count(*) FROM entries WHERE is_live AND date_source = 'logical_date')
           AS entries_dated_by_run_fallback,
       (SELECT count(*) FROM entries WHERE is_live AND relevance = 'off_topic')
           AS entries_off_topic,
       (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM figures) AS figures,
       (SELECT count(*) FROM stories) AS stories,
       (SELECT count(*) FROM dead_letters WHERE resolved_at IS NULL) AS dead_letters;

-- name: entries_per_day
-- Entries dated only by the run's fallback date are counted apart from stated dates.
SELECT war_day, war_date, date_source = 'logical_date' AS fallback, count(*) AS entries,
       array_agg(DISTINCT date_source) AS date_sources
FROM entries WHERE is_live GROUP BY war_day, war_date, fallback
ORDER BY war_date NULLS LAST, fallback;

-- name: fallback_dated_documents
SELECT d.document_id, d.outlet, coalesce(d.url, r.final_url) AS locator, d.war_date
FROM documents d JOIN raw_documents r USING (raw_id)
WHERE d.date_source = 'logical_date' ORDER BY d.document_id DESC LIMIT %(limit)s;

-- name: events_by_type
SELECT event_type, count(*) AS events FROM events ev JOIN entries e USING (entry_id)
WHERE e.is_live GROUP BY event_type ORDER BY count(*) DESC, event_type;

-- name: open_dead_letters
SELECT stage, locator, error_class, message, attempts, last_seen
FROM dead_letters WHERE resolved_at IS NULL ORDER BY last_seen DESC LIMIT %(limit)s;

-- name: recent_runs
SELECT run_key, trigger, status, started_at, finished_at, counts
FROM pipeline_runs ORDER BY run_id DESC LIMIT %(limit)s;

-- name: upsert_source
INSERT INTO sources (name, kind, locator, outlet)
VALUES (%(name)s, %(kind)s, %(locator)s, %(outlet)s)
ON CONFLICT (name) DO UPDATE
    SET kind = EXCLUDED.kind, locator = EXCLUDED.locator, outlet = EXCLUDED.outlet
    WHERE (sources.kind, sources.locator, sources.outlet)
          IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.locator, EXCLUDED.outlet);

-- name: source_state
SELECT source_id, etag, last_modified FROM sources WHERE name = %(name)s;

-- name: record_fetch
UPDATE sources
SET last_fetch_at = now(), last_status = %(status)s, last_error = %(error)s,
    last_success_at = CASE WHEN %(status)s IN ('ok', 'not_modified') THEN now()
                           ELSE last_success_at END,
    etag = coalesce(%(etag)s, etag), last_modified = coalesce(%(last_modified)s, last_modified)
WHERE name = %(name)s;

-- name: landed_keys
-- A page landed but refused (a cookie wall) counts: it is retried when the pipeline version
-- changes, not re-fetched every night; pages whose fetch failed are retried from dead_letters.
SELECT DISTINCT doc_key FROM raw_documents WHERE doc_key = ANY(%(doc_keys)s);

-- name: open_fetch_failures
SELECT locator FROM dead_letters
WHERE stage = 'fetch' AND source_name = %(name)s AND resolved_at IS NULL
  AND locator <> %(exclude)s
ORDER BY last_seen
LIMIT %(limit)s;

-- name: current_feed
SELECT r.body, r.final_url FROM raw_documents r JOIN sources s USING (source_id)
WHERE s.name = %(name)s AND r.is_current AND (r.meta ->> 'discovery_only')::boolean
ORDER BY r.raw_id DESC
LIMIT 1;

-- name: source_status
SELECT name, kind, locator, last_fetch_at, last_status, last_error FROM sources ORDER BY name;

-- name: stale_entries
SELECT entry_id FROM entries
WHERE is_live AND (%(everything)s OR tagger_version IS DISTINCT FROM %(version)s)
  AND (%(low)s::date IS NULL OR war_date >= %(low)s::date)
  AND (%(high)s::date IS NULL OR war_date <= %(high)s::date)
ORDER BY entry_id;

-- name: retag_rows
SELECT entry_id, text, relevance, content_hash, tagger_version, tags_hash FROM entries
WHERE entry_id = ANY(%(ids)s)
ORDER BY entry_id;

-- name: stamp_tagger
-- New tags may name other actors and places: the stored story fingerprint goes with them
-- (the link step makes it again from the text).
UPDATE entries
SET tagger_version = %(version)s, tags_hash = coalesce(%(tags_hash)s, tags_hash),
    fingerprint = CASE WHEN %(tags_hash)s::text IS DISTINCT FROM tags_hash
                            AND %(tags_hash)s::text IS NOT NULL
                       THEN NULL ELSE fingerprint END,
    updated_at = now()
WHERE entry_id = %(entry_id)s;

-- name: restamp_tags
WITH e AS (UPDATE events SET tagger_version = %(version)s WHERE entry_id = %(entry_id)s),
     f AS (UPDATE figures SET tagger_version = %(version)s WHERE entry_id = %(entry_id)s),
     a AS (UPDATE actor_mentions SET tagger_version = %(version)s WHERE entry_id = %(entry_id)s)
UPDATE place_mentions SET tagger_version = %(version)s WHERE entry_id = %(entry_id)s;

-- name: requeue_processed
UPDATE raw_documents SET status = 'pending' WHERE is_current AND status = 'processed';

-- name: link_lock
-- One link step at a time (two-key form, apart from the feed's and landing's locks): a second
-- step waits, then sees the first one's stories and links only what is still unlinked.
SELECT pg_advisory_xact_lock(1466196292, 30);

-- name: unlinked_entries
-- War entries without a story (off-topic ones get none), with the stored fingerprint when it
-- is of the current version, else the text and names to make it from (as in story_pool).
SELECT e.entry_id, e.document_id, e.section, e.headline, e.war_date, e.content_hash, e.tags_hash,
       f.fingerprint,
       CASE WHEN f.fingerprint IS NULL THEN e.text END AS text,
       CASE WHEN f.fingerprint IS NULL THEN
           ARRAY(SELECT name FROM actor_mentions a WHERE a.entry_id = e.entry_id
                 UNION SELECT name FROM place_mentions p WHERE p.entry_id = e.entry_id)
       END AS names
FROM entries e
CROSS JOIN LATERAL (SELECT CASE WHEN e.fingerprint->>'v' = %(fp_version)s
                                THEN e.fingerprint END AS fingerprint) f
WHERE e.is_live AND e.story_id IS NULL AND e.relevance = 'war'
ORDER BY e.entry_id
LIMIT %(limit)s;

-- name: story_pool
-- Linked live entries whose war date lies within %(days)s days of one of %(dates)s (the date
-- arithmetic stays in SQL, where year 1 minus two days is still a date), at most
-- %(per_story)s per story (its most recent) and %(pool_max)s in all (the most recent), so the
-- pool stays bounded however busy the days are.
SELECT * FROM (
SELECT p.entry_id, p.document_id, p.section, p.story_id, p.headline, p.war_date,
       p.content_hash, p.tags_hash, f.fingerprint,
       CASE WHEN f.fingerprint IS NULL THEN p.text END AS text,
       CASE WHEN f.fingerprint IS NULL THEN
           ARRAY(SELECT name FROM actor_mentions a WHERE a.entry_id = p.entry_id
                 UNION SELECT name FROM place_mentions m WHERE m.entry_id = p.entry_id)
       END AS names
FROM (
    SELECT e.*, row_number() OVER (PARTITION BY e.story_id ORDER BY e.entry_id DESC) AS recent
    FROM entries e
    WHERE e.is_live AND e.story_id IS NOT NULL
      AND e.war_date = ANY(ARRAY(SELECT DISTINCT d + k
                                 FROM unnest(%(dates)s::date[]) AS d,
                                      generate_series(-%(days)s::int, %(days)s::int) AS k))
) p
CROSS JOIN LATERAL (SELECT CASE WHEN p.fingerprint->>'v' = %(fp_version)s
                                THEN p.fingerprint END AS fingerprint) f
WHERE p.recent <= %(per_story)s
ORDER BY p.entry_id DESC
LIMIT %(pool_max)s
) pool
ORDER BY entry_id;

-- name: store_fingerprints
-- Fingerprints the link step had to make (none stored, or of another version), kept so the
-- next step reads them; an entry rewritten or re-tagged meanwhile (its hashes moved on) is
-- left as it is.
UPDATE entries e SET fingerprint = f.fingerprint
FROM jsonb_to_recordset(%(rows)s)
    AS f(entry_id bigint, content_hash text, tags_hash text, fingerprint jsonb)
WHERE e.entry_id = f.entry_id AND e.content_hash = f.content_hash
  AND e.tags_hash IS NOT DISTINCT FROM f.tags_hash;

-- name: assign_stories
UPDATE entries e SET story_id = v.story_id
FROM unnest(%(entry_ids)s::bigint[], %(story_ids)s::bigint[]) AS v(entry_id, story_id)
WHERE e.entry_id = v.entry_id;

-- name: merge_story
-- Move every entry of a merged-away story (also those outside the linking window) to the
-- survivor and leave a redirect; earlier redirects to the merged-away story follow it.
WITH moved AS (
    UPDATE entries SET story_id = %(survivor)s WHERE story_id = %(gone)s
    RETURNING entry_id, content_hash, is_live
), chained AS (
    UPDATE story_redirects SET to_story_id = %(survivor)s WHERE to_story_id = %(gone)s
), redirect AS (
    INSERT INTO story_redirects (from_story_id, to_story_id, entry_id)
    VALUES (%(gone)s, %(survivor)s, %(entry_id)s)
    ON CONFLICT (from_story_id) DO UPDATE SET to_story_id = EXCLUDED.to_story_id
), marked AS (
    UPDATE stories SET merged_into = %(survivor)s
    WHERE story_id = %(gone)s OR merged_into = %(gone)s
)
SELECT entry_id, content_hash, is_live FROM moved;

-- name: relabel_stories
UPDATE stories s SET label = v.label, war_date = least(s.war_date, v.war_date)
FROM unnest(%(story_ids)s::bigint[], %(labels)s::text[], %(dates)s::date[])
     AS v(story_id, label, war_date)
WHERE s.story_id = v.story_id
  AND (s.label IS DISTINCT FROM v.label OR s.war_date IS DISTINCT FROM least(s.war_date, v.war_date));

-- name: reserve_stories
-- Story rows for a link step to fill (labelled and dated at its end; unused ones dropped).
INSERT INTO stories (label) SELECT '' FROM generate_series(1, %(n)s) RETURNING story_id;

-- name: drop_reserved_stories
DELETE FROM stories WHERE story_id = ANY(%(story_ids)s);

-- name: source_problems
-- Fetch-side failures of one source recorded (or seen again) since a moment, still open.
SELECT locator, error_class, message FROM dead_letters
WHERE source_name = %(source)s AND stage IN ('fetch', 'feed') AND resolved_at IS NULL
  AND last_seen >= %(since)s
ORDER BY last_seen;

-- name: db_now
SELECT now() AS now;

-- name: source_health
-- Per source: last successful fetch, last new item landed, open dead letters (newest first).
SELECT s.name, s.kind, s.created_at, s.last_fetch_at, s.last_status, s.last_error,
       s.last_success_at,
       (SELECT max(r.fetched_at) FROM raw_documents r WHERE r.source_id = s.source_id)
           AS last_new_item,
       (SELECT count(*) FROM dead_letters d
        WHERE d.source_name = s.name AND d.resolved_at IS NULL) AS open_dead_letters,
       (SELECT d.stage || ' ' || d.locator || ': ' || d.error_class || ': ' || d.message
        FROM dead_letters d WHERE d.source_name = s.name AND d.resolved_at IS NULL
        ORDER BY d.last_seen DESC LIMIT 1) AS last_letter
FROM sources s
ORDER BY s.name;

-- name: run_gate_figures
-- A run's counts, and the entries it wrote: all, and those dated by its logical date only.
SELECT r.counts, now() AS now,
       (SELECT count(*) FROM entries e WHERE e.is_live AND e.updated_at >= r.started_at)
           AS entries_written,
       (SELECT count(*) FROM entries e WHERE e.is_live AND e.updated_at >= r.started_at
          AND e.date_source = 'logical_date') AS entries_fallback
FROM pipeline_runs r WHERE r.run_key = %(run_key)s;

-- name: count_pending
SELECT count(*) AS n FROM raw_documents
WHERE is_current
  AND (status = 'pending' OR (status = 'failed' AND processed_by IS DISTINCT FROM %(version)s));

-- name: report_events_per_day
SELECT war_day, war_date, event_type, count(*) AS events
FROM war_events WHERE war_date >= %(since)s
GROUP BY war_day, war_date, event_type
ORDER BY war_date, event_type;

-- name: report_event_places
SELECT place, admin1, country, lat, lon, count(*) AS events,
       string_agg(DISTINCT event_type, ', ') AS types
FROM war_events WHERE war_date >= %(since)s AND lat IS NOT NULL
GROUP BY place, admin1, country, lat, lon
ORDER BY count(*) DESC;

-- name: report_casualties
SELECT war_date, kind, coalesce(value, low) AS number, qualifier, outlet, url, sentence
FROM war_figures
WHERE war_date >= %(since)s AND kind IN ('killed', 'wounded', 'killed_or_wounded')
  AND coalesce(value, low) > 0
ORDER BY war_date, kind;

-- name: report_top_stories
SELECT s.story_id, s.label, min(e.war_date) AS war_date,
       count(DISTINCT coalesce(e.outlet, e.url)) AS outlets, count(*) AS entries,
       array_agg(DISTINCT e.outlet) FILTER (WHERE e.outlet IS NOT NULL) AS outlet_names
FROM war_entries e JOIN stories s ON s.story_id = e.story_id
WHERE e.war_date >= %(since)s
GROUP BY s.story_id, s.label
ORDER BY outlets DESC, entries DESC, s.story_id
LIMIT %(limit)s;

-- name: analyst_relations
-- What the analyst role may read, with each relation's comment.
SELECT c.relname AS name,
       CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END
           AS kind,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p')
  AND has_table_privilege('warday_analyst', c.oid, 'SELECT')
ORDER BY c.relname;

-- name: relation_columns
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
       col_description(a.attrelid, a.attnum) AS comment
FROM pg_attribute a
WHERE a.attrelid = %(relation)s::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;

-- name: reserve_host_start
-- A host's next request start, shared by all fetching processes: start at the later of now
-- and the reserved next start; the next one may begin an interval after it.
INSERT INTO host_pacing AS h (host, next_start)
VALUES (%(host)s, clock_timestamp() + %(interval)s)
ON CONFLICT (host) DO UPDATE
    SET next_start = greatest(h.next_start, clock_timestamp()) + %(interval)s
RETURNING extract(epoch FROM h.next_start - %(interval)s - clock_timestamp()) AS wait_s;

-- name: resolve_item_letters
-- Items (or links) dropped when these documents were last processed: their locators start
-- with one of the prefixes (one per document). One statement for a whole batch.
UPDATE dead_letters d SET resolved_at = now()
WHERE d.resolved_at IS NULL AND d.stage = 'item'
  AND EXISTS (SELECT 1 FROM unnest(%(prefixes)s::text[]) AS p(prefix)
              WHERE left(d.locator, length(p.prefix)) = p.prefix);

-- name: own_run
UPDATE pipeline_runs
SET heartbeat_at = now(), owner_host = %(host)s, owner_pid = %(pid)s
WHERE run_key = %(run_key)s;

-- name: heartbeat_run
UPDATE pipeline_runs SET heartbeat_at = now()
WHERE run_key = %(run_key)s AND status = 'running';

-- name: running_runs
-- Open runs other than the caller's, with how long since they were last heard of.
SELECT run_key, owner_host, owner_pid,
       extract(epoch FROM now() - coalesce(heartbeat_at, started_at))::float8 AS silent_s
FROM pipeline_runs
WHERE status = 'running' AND run_key <> %(run_key)s
ORDER BY run_id;

-- name: abort_run
UPDATE pipeline_runs
SET status = 'aborted', finished_at = now(),
    counts = counts || jsonb_build_object('aborted', jsonb_build_object('reason', %(reason)s::text))
WHERE run_key = %(run_key)s AND status = 'running';

-- name: analyst_access
SELECT r.rolcanlogin AS can_login,
       pg_has_role(r.oid, 'warday_analyst', 'MEMBER') AS is_member,
       has_table_privilege(r.oid, 'war_entries', 'SELECT') AS can_read,
       has_table_privilege(r.oid, 'raw_documents', 'SELECT') AS reads_raw
FROM pg_roles r
WHERE r.rolname = %(role)s;
