"""The small hand-made district every database test starts from.

Coordinates are metres in EPSG:4549 near Gongshu, converted to WGS84 on insert, so the
shapes are easy to read:

    street 330105001 ─ community 330105001001 ─ grids …001 (x 0–200) and …002 (x 200–400),
    both y 0–200 and sharing the edge x = 200; a compound inside grid 001.
"""

from __future__ import annotations

import shapely
from pyproj import Transformer
from sqlalchemy import text
from sqlalchemy.orm import Session

ORIGIN = (500_000.0, 3_352_000.0)  # EPSG:4549 metres, about 120.0°E 30.29°N
TO_WGS = Transformer.from_crs(4549, 4326, always_xy=True)
TO_M = Transformer.from_crs(4326, 4549, always_xy=True)

STREET, COMMUNITY = "330105001", "330105001001"
GRID_A, GRID_B = "330105001001001", "330105001001002"


def m_box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """A box given in metres relative to ORIGIN, returned in WGS84."""
    ox, oy = ORIGIN
    box = shapely.box(ox + x0, oy + y0, ox + x1, oy + y1)
    return shapely.transform(box, lambda xy: _to_wgs(xy))


def m_point(x: float, y: float) -> tuple[float, float]:
    lon, lat = TO_WGS.transform(ORIGIN[0] + x, ORIGIN[1] + y)
    return float(lon), float(lat)


def _to_wgs(xy):  # type: ignore[no-untyped-def]
    import numpy as np

    lon, lat = TO_WGS.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def ewkt(geom: shapely.Geometry) -> str:
    if geom.geom_type == "Polygon":
        geom = shapely.multipolygons([geom])
    return f"SRID=4326;{geom.wkt}"


def load_small_district(s: Session) -> None:
    s.execute(
        text("INSERT INTO streets (code, name, geom) VALUES (:c, '米市巷街道', :g)"),
        {"c": STREET, "g": ewkt(m_box(0, 0, 400, 200))},
    )
    s.execute(
        text(
            "INSERT INTO communities (code, name, street_code, geom) "
            "VALUES (:c, '测试社区', :s, :g)"
        ),
        {"c": COMMUNITY, "s": STREET, "g": ewkt(m_box(0, 0, 400, 200))},
    )
    for code, x0 in ((GRID_A, 0), (GRID_B, 200)):
        s.execute(
            text(
                "INSERT INTO grids (code, name, community_code, households, geom) "
                "VALUES (:c, :n, :m, 400, :g)"
            ),
            {
                "c": code,
                "n": f"测试社区第{code[-1]}网格",
                "m": COMMUNITY,
                "g": ewkt(m_box(x0, 0, x0 + 200, 200)),
            },
        )
    s.execute(
        text(
            "INSERT INTO compounds (code, name, community_code, households, geom) "
            "VALUES ('330105001001XQ001', '测试新村', :m, 300, :g)"
        ),
        {"m": COMMUNITY, "g": ewkt(m_box(20, 20, 180, 180))},
    )
