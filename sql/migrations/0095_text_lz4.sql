-- Extracted texts are compressed with lz4 where the server has it, as raw bodies are (0090):
-- pglz costs several times lz4's time on every document and entry written, for about the
-- same stored size. Only new values change. A server built without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE documents ALTER COLUMN clean_text SET COMPRESSION lz4;
    ALTER TABLE entries ALTER COLUMN text SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available on this server; texts stay pglz-compressed';
END
$$;
