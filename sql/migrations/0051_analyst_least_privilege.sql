-- Least privilege for the read-only analyst role, for real.
--
-- * Every view is a security barrier, so a cheap function of the analyst's own (pg_temp)
--   cannot be evaluated below a view's filter and see rows of retracted entries.
-- * Mentions are read through views that hide retracted entries, not from the tables.
-- * pg_notify, large-object creation and advisory locks are no longer open to PUBLIC: an
--   analyst could otherwise spoof change notifications, fill the database with large objects,
--   or take the locks that landing, the change feed and the migration runner wait for.
--   The pipeline's roles get them back through warday_writer (grant it to a non-superuser
--   pipeline login). Function privileges can only be changed by a superuser; run by anyone
--   else this part is skipped with a warning.
-- Roles are cluster-wide: everything here runs on a server where they already exist.

DO $$
DECLARE
    view regclass;
BEGIN
    FOR view IN
        SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'v' AND n.nspname = current_schema()
    LOOP
        EXECUTE format('ALTER VIEW %s SET (security_barrier = true)', view);
    END LOOP;
END
$$;

-- The mention views (created here only when no later migration has made them already).
DO $$
BEGIN
    IF to_regclass('war_actor_mentions') IS NULL THEN
        CREATE VIEW war_actor_mentions WITH (security_barrier) AS
        SELECT m.mention_id, m.entry_id, e.war_day, e.war_date, m.name, m.kind, m.side,
               m.surface, m.sentence, m.char_start, m.char_end, m.tagger_version
        FROM actor_mentions m
        JOIN entries e USING (entry_id)
        WHERE e.is_live;
    END IF;
    IF to_regclass('war_place_mentions') IS NULL THEN
        CREATE VIEW war_place_mentions WITH (security_barrier) AS
        SELECT m.mention_id, m.entry_id, e.war_day, e.war_date, m.name, m.admin1, m.country,
               m.lat, m.lon, m.surface, m.sentence, m.char_start, m.char_end, m.tagger_version
        FROM place_mentions m
        JOIN entries e USING (entry_id)
        WHERE e.is_live;
    END IF;
END
$$;

GRANT SELECT ON war_actor_mentions, war_place_mentions TO warday_analyst;
REVOKE ALL ON actor_mentions, place_mentions, events, figures, entries, documents,
              raw_documents, dead_letters, pipeline_runs, sources
       FROM warday_analyst;

DO $$
DECLARE
    fn regprocedure;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'warday_writer') THEN
        CREATE ROLE warday_writer NOLOGIN;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE WARNING 'not a superuser: pg_notify, large objects and advisory locks stay '
                      'open to PUBLIC; apply sql/migrations/0051 as a superuser';
        RETURN;
    END IF;
    FOR fn IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = 'pg_catalog'::regnamespace
          AND (p.proname LIKE 'pg\_%advisory\_%' OR p.proname = 'pg_notify'
               OR p.proname IN ('lo_create', 'lo_creat', 'lo_from_bytea', 'lo_import',
                                'lo_put'))
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO warday_writer', fn);
    END LOOP;
END
$$;
