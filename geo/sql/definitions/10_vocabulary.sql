-- The case vocabulary in SQL, mirroring geo/vocabulary.py (tests/test_vocabulary.py holds the
-- two equal). Repeatable definitions: `gridmap migrate` re-applies this file whenever its text
-- changes (geo/definitions.py).

-- Open: not yet resolved, closed or a duplicate. Written as the partial indexes' predicate
-- (migrations 0003, 0009), so a query that says case_is_open(status) can use them: the
-- function is inlined before the planner matches index predicates.
CREATE OR REPLACE FUNCTION case_is_open(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT status NOT IN ('resolved', 'closed', 'duplicate')
$$;

-- The order in which a case moves, for the cockpit and the API's labels.
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
