-- Stories link this war's reporting: an entry marked off-topic (other news of a world-news
-- feed or brief) gets no story and no fingerprint, so the stories table holds no floods or
-- football. The link step's queue index leaves such entries out (else every one would stay in
-- it for good). Stories made earlier keep their entries.
CREATE INDEX IF NOT EXISTS entries_unlinked_war ON entries (entry_id)
    WHERE is_live AND story_id IS NULL AND relevance = 'war';
DROP INDEX IF EXISTS entries_unlinked;
COMMENT ON TABLE stories IS 'Stories: entries about the same happening of this war across outlets (off-topic entries get none).';
COMMENT ON COLUMN stories.story_id IS 'Story id (war_entries.story_id; NULL for an off-topic entry).';
