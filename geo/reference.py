"""What the API and pages read besides layers and cases: reference data (facility kinds, case
categories), the district's extent, compound shapes, and cases as Open311 lists them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import query


def _q(name: str) -> Any:
    return text(query("reference", name))


def facility_kinds(session: Session) -> list[tuple[str, str]]:
    """(code, Chinese name) of every facility kind, by code."""
    return [(r.code, r.name) for r in session.execute(_q("facility_kinds"))]


def categories(session: Session) -> list[Any]:
    """Case categories (code, name, group_name, sla_hours), by group and code."""
    return list(session.execute(_q("categories")).all())


def category_exists(session: Session, code: str) -> bool:
    return bool(session.execute(_q("category_exists"), {"code": code}).scalar())


def grid_extent(session: Session, grid: str | None) -> list[float] | None:
    """WGS84 minlon, minlat, maxlon, maxlat of every grid (or one); None when there is none."""
    row = session.execute(_q("grid_extent"), {"grid": grid}).one()
    return None if row[0] is None else [float(v) for v in row]


def compound_shapes(session: Session) -> dict[str, str]:
    """Each compound's geometry as GeoJSON text (WGS84, 6 decimals), by code."""
    return {r[0]: r[1] for r in session.execute(_q("compound_shapes"))}


def service_requests(
    session: Session,
    *,
    tokens: list[str] | None,
    codes: list[str] | None,
    start: datetime,
    end: datetime,
    open_only: bool | None,
    limit: int,
) -> list[Any]:
    """Cases newest first, filtered as Open311's GET requests asks (None: no filter); a case
    is named by its public token, never its sequential id."""
    params = {
        "tokens": tokens,
        "codes": codes,
        "start": start,
        "end": end,
        "open": open_only,
        "limit": limit,
    }
    return list(session.execute(_q("service_requests"), params).all())
