-- The cockpit's running counts of cases (migration 0028): each write statement on cases adds
-- its change to case_tallies, by street, grid, zone and category, in its own transaction.
-- Like data_changes (60_changes.sql) the table is insert-only for writers, so concurrent
-- intakes never wait on a counter row; now and then one writer folds the rows into one per
-- key, under an advisory lock. The sums are exact at every snapshot. geo/sql/dashboard.sql
-- reads them; tests/test_dashboard_tallies.py recounts the cases and compares.
-- Repeatable definitions (geo/definitions.py).

-- What one case adds to each count: all, open, done (resolved or closed, with its closing
-- time), done in time (closed by its due time).
CREATE OR REPLACE FUNCTION case_counts(status text, closed_at timestamptz, due_at timestamptz,
                                       OUT total integer, OUT open integer, OUT done integer,
                                       OUT in_time integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT 1, case_is_open(status)::integer,
       (case_is_done(status) AND closed_at IS NOT NULL)::integer,
       COALESCE(case_is_done(status) AND closed_at <= due_at, false)::integer
$$;

CREATE OR REPLACE FUNCTION fold_case_tallies() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_try_advisory_xact_lock(hashtext('case_tallies')) THEN
        WITH gone AS (DELETE FROM case_tallies RETURNING *)
        INSERT INTO case_tallies (street_code, grid_code, zone_code, category_code, total, open,
                                  done, done_in_time)
        SELECT street_code, grid_code, zone_code, category_code, sum(total), sum(open),
               sum(done), sum(done_in_time)
        FROM gone GROUP BY 1, 2, 3, 4
        HAVING sum(total) <> 0 OR sum(open) <> 0 OR sum(done) <> 0 OR sum(done_in_time) <> 0;
    END IF;
END
$$;

-- One function for the three statements: an insert counts its rows in, a delete counts them
-- out, an update counts the old rows out and the new ones in (a case moved between keys or
-- counts). Each branch is static SQL, so PL/pgSQL keeps its plan: one dynamic statement for
-- all three (EXECUTE, planned on every call) cost 0.1–0.3 ms more per write statement.
CREATE OR REPLACE FUNCTION case_tallies_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO case_tallies (street_code, grid_code, zone_code, category_code, total, open,
                                  done, done_in_time)
        SELECT n.street_code, n.grid_code, n.zone_code, n.category_code, sum(k.total),
               sum(k.open), sum(k.done), sum(k.in_time)
        FROM new_cases n, LATERAL case_counts(n.status, n.closed_at, n.due_at) k
        GROUP BY 1, 2, 3, 4;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO case_tallies (street_code, grid_code, zone_code, category_code, total, open,
                                  done, done_in_time)
        SELECT o.street_code, o.grid_code, o.zone_code, o.category_code, -sum(k.total),
               -sum(k.open), -sum(k.done), -sum(k.in_time)
        FROM old_cases o, LATERAL case_counts(o.status, o.closed_at, o.due_at) k
        GROUP BY 1, 2, 3, 4;
    ELSE
        INSERT INTO case_tallies (street_code, grid_code, zone_code, category_code, total, open,
                                  done, done_in_time)
        SELECT street_code, grid_code, zone_code, category_code, sum(total), sum(open),
               sum(done), sum(in_time)
        FROM (SELECT n.street_code, n.grid_code, n.zone_code, n.category_code, k.*
              FROM new_cases n, LATERAL case_counts(n.status, n.closed_at, n.due_at) k
              UNION ALL
              SELECT o.street_code, o.grid_code, o.zone_code, o.category_code, -k.total,
                     -k.open, -k.done, -k.in_time
              FROM old_cases o, LATERAL case_counts(o.status, o.closed_at, o.due_at) k) d
        GROUP BY 1, 2, 3, 4
        HAVING sum(total) <> 0 OR sum(open) <> 0 OR sum(done) <> 0 OR sum(in_time) <> 0;
    END IF;
    IF random() < 0.02 THEN
        PERFORM fold_case_tallies();
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION case_tallies_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM case_tallies;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER case_tallies_insert AFTER INSERT ON cases
REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION case_tallies_change();

CREATE OR REPLACE TRIGGER case_tallies_update AFTER UPDATE ON cases
REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases
FOR EACH STATEMENT EXECUTE FUNCTION case_tallies_change();

CREATE OR REPLACE TRIGGER case_tallies_delete AFTER DELETE ON cases
REFERENCING OLD TABLE AS old_cases FOR EACH STATEMENT EXECUTE FUNCTION case_tallies_change();

CREATE OR REPLACE TRIGGER case_tallies_truncate AFTER TRUNCATE ON cases
FOR EACH STATEMENT EXECUTE FUNCTION case_tallies_truncate();
