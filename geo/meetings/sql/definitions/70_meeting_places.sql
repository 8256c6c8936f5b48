-- Where a meeting may be held (geo/meetings/words.py MEETING_PLACES), with its name and shape:
-- a zone (compound, open block, business community, building), a residential building (its
-- compound's name before its own), the district, a street or community (a 联席会议 of that
-- level), or a facility (a 小哥之家 for its 小哥治家会). Repeatable definition.
DROP VIEW IF EXISTS meeting_places;
CREATE VIEW meeting_places AS
SELECT z.kind, z.code, z.name, z.geom FROM zone_polygons z
UNION ALL
SELECT 'residential_building', r.code, c.name || r.name, r.geom
FROM residential_buildings r JOIN compounds c ON c.code = r.compound_code
UNION ALL SELECT 'district', d.code, d.name, d.geom FROM districts d
UNION ALL SELECT 'street', s.code, s.name, s.geom FROM streets s
UNION ALL SELECT 'community', m.code, m.name, m.geom FROM communities m
UNION ALL SELECT 'facility', f.code, f.name, f.geom FROM facilities f;
