"""Place names to points: zones and facilities by name, for address-only reports and search."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

_FIND = """
SELECT kind, code, name, ST_X(pt) AS lon, ST_Y(pt) AS lat FROM (
    SELECT 'compound' AS kind, code, name, ST_PointOnSurface(geom) AS pt, 1 AS pri FROM compounds
    UNION ALL SELECT 'building', code, name, ST_PointOnSurface(geom), 2 FROM buildings
    UNION ALL SELECT 'business_community', code, name, ST_PointOnSurface(geom), 3
              FROM business_communities
    UNION ALL SELECT 'open_block', code, name, ST_PointOnSurface(geom), 4 FROM open_blocks
    UNION ALL SELECT 'facility', code, name, geom, 5 FROM facilities
) places
WHERE name = :q OR (length(:q) >= 2 AND strpos(:q, name) > 0) OR strpos(name, :q) > 0
ORDER BY (name = :q) DESC, (strpos(:q, name) > 0) DESC, pri, length(name), code
LIMIT :limit
"""


def find_places(session: Session, q: str, limit: int = 10) -> list[dict[str, Any]]:
    """Places whose name equals, is contained in, or contains q; exact matches first.

    Points are WGS84 (a point on the zone's surface, or the facility itself).
    """
    q = q.strip()
    if not q:
        return []
    rows = session.execute(text(_FIND), {"q": q, "limit": limit})
    return [dict(r._mapping) for r in rows]
