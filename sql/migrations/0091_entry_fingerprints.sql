-- An entry's story fingerprint (its weighted content words and names), made by the worker
-- that tags it, so the single link step only reads it back instead of making it again for
-- every new entry and every stored entry of its date window. "v" names the rules, word
-- tables and tagger it was made with; a fingerprint of another version, or none, is made
-- from the entry's text at link time as before.
ALTER TABLE entries ADD COLUMN IF NOT EXISTS fingerprint jsonb;
