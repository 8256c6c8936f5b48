-- Shops and stalls, each with the party member who looks after it (包干), by the member's code:
-- the layer is read by every role, the names only through the block (geo/open_blocks/blocks.py).
SELECT s.code, s.name,
       jsonb_build_object('kind', CASE s.kind WHEN 'shop' THEN '商铺' ELSE '摊位' END,
                          'trade', s.trade, 'block', b.name, 'member_code', s.member_code,
                          'member', CASE WHEN s.member_code IS NULL THEN '未包干'
                                         ELSE '已包干（' || s.member_code || '）' END) AS props,
       s.geom
FROM shops s
JOIN open_blocks b ON b.code = s.open_block_code
WHERE s.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
