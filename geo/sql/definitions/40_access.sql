-- Areas of responsibility (geo/access.py): an area covers the codes it begins, so a case is
-- inside an account's areas when its grid or its zone code begins with one of them. The
-- areas come as LIKE patterns ('330105001%'); NULL means everywhere (an administrator).
-- Repeatable definitions: `gridmap migrate` re-applies this file when its text changes.

CREATE OR REPLACE FUNCTION in_area(grid_code text, zone_code text, patterns text[])
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
SELECT patterns IS NULL OR grid_code LIKE ANY (patterns) OR zone_code LIKE ANY (patterns)
$$;
