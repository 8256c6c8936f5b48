"""Where a point belongs: street, community, grid, zone, party organisation, grid worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import namedtuple_row

from geo.sql.loader import driver_steps


class OutsideDistrict(ValueError):
    """Farther than the snap distance from every grid (HTTP 422)."""

    def __init__(self, distance_m: float | None, snap_m: float) -> None:
        self.distance_m = distance_m
        far = f"{distance_m:.0f} m from the nearest grid" if distance_m is not None else "no grids"
        super().__init__(f"outside the district: {far}, more than the {snap_m:.0f} m snap distance")


@dataclass(frozen=True)
class Assignment:
    """One point's assignment; lon/lat WGS84 degrees, distance_m geodesic metres."""

    lon: float
    lat: float
    row: Any  # the locate.sql row

    def as_dict(self) -> dict[str, Any]:
        return assignment_dict(self.row, self.lon, self.lat)


def assignment_dict(r: Any, lon: float, lat: float) -> dict[str, Any]:
    """The assignment as the API shows it (ARCHITECTURE.md), from any row with these columns:
    street/community/grid _code and _name, zone_kind/_code/_name, party_org_code, party_name,
    party_kind, worker_id, worker_name, rule, outside, distance_m."""
    zone = (
        None
        if r.zone_kind is None
        else {"kind": r.zone_kind, "code": r.zone_code, "name": r.zone_name}
    )
    return {
        "point": {"lon": round(lon, 7), "lat": round(lat, 7)},
        "street": {"code": r.street_code, "name": r.street_name},
        "community": {"code": r.community_code, "name": r.community_name},
        "grid": {"code": r.grid_code, "name": r.grid_name},
        "zone": zone,
        "party_org": {"code": r.party_org_code, "name": r.party_name, "kind": r.party_kind},
        "worker": None if r.worker_id is None else {"id": r.worker_id, "name": r.worker_name},
        "rule": r.rule,
        "outside": bool(r.outside),
        "distance_m": float(r.distance_m),
    }


def locate(
    conn: psycopg.Connection[Any], lon: float, lat: float, snap_m: float = 100.0
) -> Assignment:
    """Assign one WGS84 point by the rule in ARCHITECTURE.md; raise OutsideDistrict if too far.

    Takes the driver connection (`geo.db.driver(session)` inside a transaction): this is the
    platform's hottest path, and SQLAlchemy's statement handling cost more than the query.
    """
    find, nearest = driver_steps("locate")
    params = {"lon": lon, "lat": lat, "snap_m": snap_m}
    with conn.cursor(row_factory=namedtuple_row) as cur:
        row = cur.execute(find, params).fetchone()
        if row is None:
            found = cur.execute(nearest, params).fetchone()
            raise OutsideDistrict(None if found is None else found[0], snap_m)
    return Assignment(lon, lat, row)
