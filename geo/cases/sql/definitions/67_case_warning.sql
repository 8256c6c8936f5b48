-- A case's time-limit warning (geo/cases/steps.py): none, yellow past its warning time
-- (warn_at: 80 % of its limit, on its category's clock), red past its due time; none once it
-- is closed, resolved, refused or a duplicate, or while it is parked (挂账 stops the clock).
-- `at` is the moment asked about (now() for the desk), so the function stays IMMUTABLE and
-- inlines into the list's query; callers pass least(now, paused_at): while an extension waits
-- for its answer the clock stands where it stopped.
CREATE OR REPLACE FUNCTION case_warning(status text, warn_at timestamptz, due_at timestamptz,
                                        at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN NOT case_is_open(status) OR status = 'parked' OR due_at IS NULL THEN 'none'
    WHEN at > due_at THEN 'red'
    WHEN at > COALESCE(warn_at, due_at) THEN 'yellow'
    ELSE 'none'
END
$$;
