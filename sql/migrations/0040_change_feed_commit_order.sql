-- Change feed in commit order: a consumer that keeps the largest seq it has read never skips
-- a change. Every row's seq is drawn under one transaction-scoped advisory lock, so a
-- transaction that wrote change rows holds the lock until it commits (or rolls back), and no
-- later seq can become visible before an earlier one. Writers append their change rows as
-- the last thing in a transaction (store.repo.publish_changes), so the lock is held briefly.
-- Rolled-back seq values leave gaps; gaps are harmless to a "seq > cursor" consumer.

CREATE OR REPLACE FUNCTION entry_changes_commit_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- (two-key form: cannot collide with the single-key locks of landing and migrations)
    PERFORM pg_advisory_xact_lock(1466196292, 14);
    NEW.seq := nextval(pg_get_serial_sequence('entry_changes', 'seq'));
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS entry_changes_commit_order ON entry_changes;
CREATE TRIGGER entry_changes_commit_order
    BEFORE INSERT ON entry_changes
    FOR EACH ROW EXECUTE FUNCTION entry_changes_commit_order();
