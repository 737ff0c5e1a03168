-- Tagger confidence and provenance: how sure a place or event tag is, and whether an
-- actor or place came from the curated lists or was discovered from how the text names it.
ALTER TABLE events ADD COLUMN IF NOT EXISTS confidence real NOT NULL DEFAULT 1.0;
ALTER TABLE actor_mentions ADD COLUMN IF NOT EXISTS confidence real NOT NULL DEFAULT 1.0;
ALTER TABLE actor_mentions ADD COLUMN IF NOT EXISTS discovered boolean NOT NULL DEFAULT false;
ALTER TABLE place_mentions ADD COLUMN IF NOT EXISTS confidence real NOT NULL DEFAULT 1.0;
ALTER TABLE place_mentions ADD COLUMN IF NOT EXISTS discovered boolean NOT NULL DEFAULT false;
