-- Schema v1: the whole flow from landed bytes to tagged, day-numbered entries.

CREATE TABLE sources (
    source_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    kind           text NOT NULL CHECK (kind IN ('feed', 'page', 'directory', 'file')),
    locator        text NOT NULL,
    outlet         text,
    etag           text,
    last_modified  text,
    last_fetch_at  timestamptz,
    last_status    text,
    last_error     text,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Landing zone: bytes exactly as received. Each version of a document (doc_key) is kept
-- once per content hash; exactly one version of a document is current.
CREATE TABLE raw_documents (
    raw_id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id        bigint REFERENCES sources ON DELETE SET NULL,
    content_hash     text NOT NULL,
    doc_key          text NOT NULL,
    requested_url    text,
    final_url        text,
    media_type       text NOT NULL,
    headers          jsonb NOT NULL DEFAULT '{}',
    meta             jsonb NOT NULL DEFAULT '{}',
    body             bytea NOT NULL,
    fetched_at       timestamptz NOT NULL,
    previous_raw_id  bigint REFERENCES raw_documents ON DELETE SET NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'processed', 'failed', 'superseded')),
    processed_by     text,
    processed_at     timestamptz,
    is_current       boolean NOT NULL DEFAULT true,
    UNIQUE (doc_key, content_hash)
);
CREATE UNIQUE INDEX raw_documents_current ON raw_documents (doc_key) WHERE is_current;
CREATE INDEX raw_documents_pending ON raw_documents (raw_id)
    WHERE is_current AND status IN ('pending', 'failed');

-- One row per logical document (a file, a page, a feed item); a newer raw version replaces it.
CREATE TABLE documents (
    document_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_key           text NOT NULL UNIQUE,
    raw_id            bigint NOT NULL REFERENCES raw_documents ON DELETE CASCADE,
    url               text,
    outlet            text,
    title             text,
    author            text,
    dateline          text,
    published_at      timestamptz,
    modified_at       timestamptz,
    clean_text        text NOT NULL,
    language          text,
    war_day_reported  integer,
    war_day           integer,
    war_date          date,
    date_source       text NOT NULL,
    date_flags        text[] NOT NULL DEFAULT '{}',
    extractor_version text NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_war_date ON documents (war_date);

CREATE TABLE stories (
    story_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label       text NOT NULL,
    war_date    date,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per sub-story of a digest (a plain article is one entry).
CREATE TABLE entries (
    entry_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_key       text NOT NULL UNIQUE,
    document_id     bigint NOT NULL REFERENCES documents ON DELETE CASCADE,
    ordinal         integer NOT NULL,
    section         text,
    headline        text NOT NULL,
    text            text NOT NULL,
    war_day         integer,
    war_date        date,
    date_source     text NOT NULL,
    content_hash    text NOT NULL,
    is_live         boolean NOT NULL DEFAULT true,
    story_id        bigint REFERENCES stories ON DELETE SET NULL,
    tagger_version  text,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    search          tsvector GENERATED ALWAYS AS
                    (to_tsvector('english', headline || ' ' || text)) STORED
);
-- Not unique: a revision moves sub-stories to new positions one row at a time, and
-- retracted entries keep the position they had.
CREATE INDEX entries_document ON entries (document_id, ordinal);
CREATE INDEX entries_war_date ON entries (war_date);
CREATE INDEX entries_search ON entries USING gin (search);

-- Tags: each carries its evidence sentence and character offsets into entries.text.
CREATE TABLE events (
    event_id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id              bigint NOT NULL REFERENCES entries ON DELETE CASCADE,
    event_type            text NOT NULL,
    mode                  text,
    acled_sub_event_type  text,
    assertion             text NOT NULL DEFAULT 'asserted'
                          CHECK (assertion IN ('asserted', 'denied', 'hedged')),
    actors                text[] NOT NULL DEFAULT '{}',
    recipients            text[] NOT NULL DEFAULT '{}',
    places                text[] NOT NULL DEFAULT '{}',
    sentence              text NOT NULL,
    char_start            integer NOT NULL,
    char_end              integer NOT NULL,
    tagger_version        text NOT NULL,
    CHECK (char_start >= 0 AND char_end > char_start)
);
CREATE INDEX events_entry ON events (entry_id);
CREATE INDEX events_type ON events (event_type);

CREATE TABLE figures (
    figure_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id        bigint NOT NULL REFERENCES entries ON DELETE CASCADE,
    kind            text NOT NULL,
    value           numeric,
    low             numeric,
    high            numeric,
    qualifier       text,
    unit            text,
    subject         text,
    sentence        text NOT NULL,
    char_start      integer NOT NULL,
    char_end        integer NOT NULL,
    tagger_version  text NOT NULL,
    CHECK (char_start >= 0 AND char_end > char_start)
);
CREATE INDEX figures_entry ON figures (entry_id);

CREATE TABLE actor_mentions (
    mention_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id        bigint NOT NULL REFERENCES entries ON DELETE CASCADE,
    name            text NOT NULL,
    kind            text NOT NULL,
    side            text,
    surface         text NOT NULL,
    sentence        text NOT NULL,
    char_start      integer NOT NULL,
    char_end        integer NOT NULL,
    tagger_version  text NOT NULL
);
CREATE INDEX actor_mentions_entry ON actor_mentions (entry_id);
CREATE INDEX actor_mentions_name ON actor_mentions (name);

CREATE TABLE place_mentions (
    mention_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id        bigint NOT NULL REFERENCES entries ON DELETE CASCADE,
    name            text NOT NULL,
    admin1          text,
    country         text,
    lat             double precision,
    lon             double precision,
    surface         text NOT NULL,
    sentence        text NOT NULL,
    char_start      integer NOT NULL,
    char_end        integer NOT NULL,
    tagger_version  text NOT NULL
);
CREATE INDEX place_mentions_entry ON place_mentions (entry_id);
CREATE INDEX place_mentions_name ON place_mentions (name);

-- Whatever could not be processed, with why; one row per (stage, locator), attempts counted.
CREATE TABLE dead_letters (
    dead_letter_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stage           text NOT NULL,
    locator         text NOT NULL,
    raw_id          bigint REFERENCES raw_documents ON DELETE SET NULL,
    source_name     text,
    error_class     text NOT NULL,
    message         text NOT NULL,
    attempts        integer NOT NULL DEFAULT 1,
    pipeline_version text NOT NULL,
    first_seen      timestamptz NOT NULL DEFAULT now(),
    last_seen       timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    UNIQUE (stage, locator)
);

CREATE TABLE pipeline_runs (
    run_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_key       text NOT NULL UNIQUE,
    trigger       text NOT NULL,
    logical_date  timestamptz,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    status        text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'success', 'failed')),
    counts        jsonb NOT NULL DEFAULT '{}'
);

-- Append-only change feed: consumers keep the last seq they read.
CREATE TABLE entry_changes (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id      bigint NOT NULL REFERENCES entries ON DELETE CASCADE,
    op            text NOT NULL CHECK (op IN ('upsert', 'retract')),
    content_hash  text NOT NULL,
    changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entry_changes_entry ON entry_changes (entry_id, seq DESC);
