-- Which tables changed: every write statement (INSERT, UPDATE, DELETE, COPY, TRUNCATE) on a
-- data table adds a row to data_changes (migration 0026) in its own transaction, so the change
-- and its record commit together. A table set's data version is the sum over them (below): it
-- only grows, and a result computed after reading it holds every change it counts. The tile
-- cache (webmap/tile_cache.py) keys tiles by it. Repeatable definitions (geo/definitions.py).

-- Insert-only (no counter row to lock, so concurrent intakes never wait on each other). Now
-- and then one writer folds a table's rows into one, under an advisory lock so two never
-- delete the same rows; the sum is unchanged by the fold.
CREATE OR REPLACE FUNCTION note_data_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_changes (table_name, n) VALUES (TG_TABLE_NAME, 1);
    IF random() < 0.02 AND pg_try_advisory_xact_lock(hashtext('data_changes')) THEN
        WITH gone AS (DELETE FROM data_changes WHERE table_name = TG_TABLE_NAME RETURNING n)
        INSERT INTO data_changes (table_name, n)
        SELECT TG_TABLE_NAME, sum(n) FROM gone HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;

-- A data version is the sum of n over the tables a result reads (layers/frames.version_sql,
-- written there once, as a statement: a function around it cost a call and a plan made for
-- any list of tables, which scans this whole record; the statement's own list walks the index).
DROP FUNCTION IF EXISTS data_version(text[]);

-- Every table but the bookkeeping ones (sessions, the audit log, this record, the cockpit's
-- tallies, Alembic's and PostGIS's own) gets the two statement triggers. Run by every `gridmap migrate`
-- (geo/migrate.py), so a table a later migration adds gets them too.
CREATE OR REPLACE FUNCTION install_change_triggers() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    t text;
    done integer := 0;
BEGIN
    FOR t IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND c.relname NOT IN ('data_changes', 'alembic_version', 'spatial_ref_sys',
                                'sql_definitions', 'auth_sessions', 'audit_log',
                                'case_tallies')
          AND NOT c.relispartition
    LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER note_change_rows AFTER INSERT OR UPDATE OR DELETE '
                       'ON %I FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER note_change_truncate AFTER TRUNCATE '
                       'ON %I FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()', t);
        done := done + 1;
    END LOOP;
    RETURN done;
END
$$;

SELECT install_change_triggers();
