-- Operations: when each source last fetched successfully; dead letters looked up by source.

ALTER TABLE sources ADD COLUMN IF NOT EXISTS last_success_at timestamptz;
CREATE INDEX IF NOT EXISTS dead_letters_open_source ON dead_letters (source_name)
    WHERE resolved_at IS NULL;
CREATE INDEX IF NOT EXISTS raw_documents_source ON raw_documents (source_id, fetched_at);
