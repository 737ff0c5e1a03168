-- What the tagger said about an entry, hashed: re-tagging that finds the same tags writes
-- nothing and adds no change-feed row. NULL (entries tagged before this) means "unknown".
ALTER TABLE entries ADD COLUMN IF NOT EXISTS tags_hash text;
