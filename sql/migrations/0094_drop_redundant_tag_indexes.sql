-- Each of these indexes is the leading column of a two-column index on the same table
-- (actor_mentions_entry_name, place_mentions_entry_name, figures_entry_sentence), which
-- serves every lookup by entry alone: the tag swap's deletes, the cascade from entries and
-- the views' joins. Both were kept up to date on every tag row written.
DROP INDEX IF EXISTS actor_mentions_entry;
DROP INDEX IF EXISTS place_mentions_entry;
DROP INDEX IF EXISTS figures_entry;
