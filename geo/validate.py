"""Topology checks of the loaded hierarchy: overlaps, gaps, border crossings, stray zones."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import script

CHECKS = ("overlap", "gap", "crosses_community", "zone_outside_grids")
CHECK_LABELS = {
    "overlap": "网格重叠",
    "gap": "社区内网格间空隙",
    "crosses_community": "网格越出所属社区",
    "zone_outside_grids": "小区/楼宇/街区在网格外",
}


@dataclass(frozen=True)
class Problem:
    check: str
    code: str
    other: str | None
    area_m2: float


def validate(session: Session, min_m2: float = 1.0) -> list[Problem]:
    """Every problem of at least min_m2 m² (areas in EPSG:4549), largest first per check."""
    out: list[Problem] = []
    for sql in script("validate"):
        for row in session.execute(text(sql), {"min_m2": min_m2}):
            out.append(Problem(row.check, row.code, row.other, round(float(row.area_m2), 1)))
    return out


@dataclass(frozen=True)
class Slivers:
    count: int
    area_m2: float


def small_slivers(session: Session, min_m2: float = 1.0) -> Slivers:
    """Overlaps of grids smaller than min_m2 (not problems, but counted): digitised grids rarely
    meet exactly, and a point in one goes to the lower code (grid_slivers, geo/coverage/derived.py,
    which the caller keeps fresh)."""
    n, area = session.execute(
        text(
            "SELECT count(*), COALESCE(sum(a), 0) FROM "
            "(SELECT ST_Area(ST_Transform(geom, 4549)) AS a FROM grid_slivers) s WHERE a < :m"
        ),
        {"m": min_m2},
    ).one()
    return Slivers(int(n), round(float(area), 2))
