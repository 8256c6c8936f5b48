-- The case vocabulary in SQL, mirroring geo/vocabulary.py (tests/test_vocabulary.py holds the
-- two equal). Repeatable definitions: `gridmap migrate` re-applies this file whenever its text
-- changes (geo/definitions.py).

-- Open: not yet resolved, closed or a duplicate. IMMUTABLE and one expression, so the planner
-- inlines it: a query that says case_is_open(status) plans as if it had written it out.
CREATE OR REPLACE FUNCTION case_is_open(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT status NOT IN ('resolved', 'closed', 'duplicate')
$$;

-- Done: dealt with (resolved or closed); a duplicate is neither open nor done.
CREATE OR REPLACE FUNCTION case_is_done(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT status IN ('resolved', 'closed')
$$;

-- Each status's Chinese label, for the map layers (the API's come from geo/vocabulary.py).
CREATE OR REPLACE FUNCTION case_status_label(status text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE status
    WHEN 'reported' THEN '已上报'
    WHEN 'assigned' THEN '已派单'
    WHEN 'accepted' THEN '处置中'
    WHEN 'resolved' THEN '已办结'
    WHEN 'closed' THEN '已结案'
    WHEN 'returned' THEN '已退回'
    WHEN 'duplicate' THEN '重复件'
END
$$;
