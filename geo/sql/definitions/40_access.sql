-- Areas of responsibility (geo/access.py): an area covers the codes it begins, so a case is
-- inside an account's areas when its grid or its zone code begins with one of them. The
-- areas come as LIKE patterns ('330105001%'); NULL means everywhere (an administrator).
-- Repeatable definitions: `gridmap migrate` re-applies this file when its text changes.

CREATE OR REPLACE FUNCTION in_area(grid_code text, zone_code text, patterns text[])
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
-- never NULL: a place with no zone (zone_code NULL) outside the patterns is outside (false),
-- so `NOT in_area(…)` finds it
SELECT patterns IS NULL OR coalesce(grid_code LIKE ANY (patterns), false)
    OR coalesce(zone_code LIKE ANY (patterns), false)
$$;

-- A batch import's claim (case_imports.scope): its areas' LIKE patterns joined by commas, `*`
-- for anywhere (NULL, as in_area takes it).
CREATE OR REPLACE FUNCTION scope_areas(scope text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN scope = '*' THEN NULL ELSE string_to_array(scope, ',') END
$$;
