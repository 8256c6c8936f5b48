-- The case categories that breach an open block's rules (一米红线: outdoor_display, 门前三包:
-- frontage_duty), mirroring geo/open_blocks/words.py BLOCK_RULES for the SQL that counts
-- breaches (geo/open_blocks/sql/open_blocks.sql, layers/sql/open_blocks.sql);
-- tests/open_blocks/test_open_blocks.py holds the two equal. IMMUTABLE: planned as a constant.
CREATE OR REPLACE FUNCTION block_breach_categories() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT ARRAY['outdoor_display', 'frontage_duty']
$$;
