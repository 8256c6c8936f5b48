-- The case vocabulary in SQL, mirroring geo/vocabulary.py (tests/core/test_vocabulary.py holds the
-- two equal). Repeatable definitions: `gridmap migrate` re-applies this file whenever its text
-- changes (geo/definitions.py).

-- Open: not yet resolved, closed, a duplicate or refused (不予立案). IMMUTABLE and one expression, so the planner
-- inlines it: a query that says case_is_open(status) plans as if it had written it out.
CREATE OR REPLACE FUNCTION case_is_open(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT status NOT IN ('resolved', 'closed', 'duplicate', 'refused')
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
    WHEN 'registered' THEN '已立案'
    WHEN 'assigned' THEN '已派单'
    WHEN 'accepted' THEN '处置中'
    WHEN 'resolved' THEN '已办结'
    WHEN 'closed' THEN '已结案'
    WHEN 'returned' THEN '已退回'
    WHEN 'duplicate' THEN '重复件'
    WHEN 'refused' THEN '不予立案'
    WHEN 'parked' THEN '挂账'
END
$$;

-- Each party organisation kind's Chinese label, for the map layers (geo/vocabulary.py's
-- PARTY_ORG_KINDS; tests/core/test_vocabulary.py holds them equal).
CREATE OR REPLACE FUNCTION party_org_kind_label(kind text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE kind
    WHEN 'community_committee' THEN '社区党委'
    WHEN 'compound_branch' THEN '小区党支部'
    WHEN 'stairwell_branch' THEN '楼道党支部'
    WHEN 'business_branch' THEN '商务社区党支部'
    WHEN 'block_org' THEN '街区党组织'
    WHEN 'mobile_branch' THEN '流动党支部'
    WHEN 'building_committee' THEN '楼宇治理委员会'
    WHEN 'chain_branch' THEN '产业链党支部'
END
$$;
