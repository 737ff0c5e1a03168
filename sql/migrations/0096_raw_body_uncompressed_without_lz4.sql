-- On a server built without lz4 (the embedded one is), raw bodies are stored uncompressed
-- (out of line) instead of with pglz: pglz took 0.43 s to store the 181 benchmark pages
-- (31 MB), against 0.12 s uncompressed, and was most of the landing time there. They take
-- about three times the space (10 MB compressed). Servers with lz4 keep it (0090).
DO $$
BEGIN
    IF (SELECT attcompression FROM pg_attribute
        WHERE attrelid = 'raw_documents'::regclass AND attname = 'body') <> 'l' THEN
        ALTER TABLE raw_documents ALTER COLUMN body SET STORAGE EXTERNAL;
    END IF;
END
$$;
