"""Walking areas: per facility, the part of the main network within a walking distance (partial
edges included), buffered into a polygon. Unlike the coverage table (geo/coverage/coverage.py),
which
reads every compound's stored reach, an area needs the network searched from each facility:
one pgRouting call for all of them, on the stored coverage graph with the facilities attached.

The planner's distances (OFFERED_M) are stored: derived table walking_areas, built with the
coverage tables (geo/coverage/derived.py) and read in milliseconds. Any other distance is searched
when
asked, within the request's time budget.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.coverage.freshness import require_fresh
from geo.sql.loader import query, script

# The planner's 5-, 10- and 15-minute options (webmap/templates/planner.html), stored.
OFFERED_M = (300.0, 500.0, 1000.0)
BUFFER_M = 30.0  # each side of the reached road
NEW_SOURCES = script("coverage/walking_areas")
FACILITIES = query("coverage/walking_areas", "facilities")
AREAS = query("coverage/walking_areas", "areas")
GRAPH = script("coverage/coverage_graph_view")
ATTACH = query("coverage/coverage_attach", "attach")
FIRST_SOURCE_PID = 100_000_001  # coverage_targets (compounds) number from 1

SEARCHED = query("coverage/walking_areas", "searched")
STORED = query("coverage/walking_areas", "stored")
STORE = query("coverage/walking_areas", "store")


def walking_graph(session: Session, kind: str | None) -> None:
    """Temp tables cov_sources (the kind's facilities, or all with None) and cov_areas (for
    the areas query), and temp view cov_edges: the stored coverage graph (Rebuilding if it is
    stale), each facility attached where it meets the road."""
    for sql in NEW_SOURCES:
        session.execute(text(sql))
    session.execute(text(FACILITIES), {"kind": kind, "first": FIRST_SOURCE_PID})
    require_fresh(session, "coverage_graph")
    for sql in GRAPH:
        session.execute(text(sql))
    session.execute(text(ATTACH))


def build_stored(session: Session, reach_m: float) -> None:
    """The walking_areas derived table: every facility's area at each offered distance within
    the coverage reach."""
    session.execute(text("DELETE FROM walking_areas"))
    thresholds = [t for t in OFFERED_M if t <= reach_m]
    if thresholds:
        walking_graph(session, None)
        session.execute(text(AREAS), {"thresholds": thresholds, "buffer_m": BUFFER_M})
        session.execute(text(STORE))
    session.execute(text("ANALYZE walking_areas"))


def walking_areas(
    session: Session, kind: str, threshold_m: float, search: bool = False
) -> dict[str, Any]:
    """A FeatureCollection: per facility of `kind`, the network within threshold_m, buffered;
    read from the stored table at an offered distance, searched otherwise (or with search:
    the benchmark's yardstick)."""
    if not search and threshold_m in OFFERED_M and _stored(session, threshold_m):
        rows = session.execute(text(STORED), {"kind": kind, "threshold": threshold_m}).all()
    else:
        walking_graph(session, kind)
        session.execute(text(AREAS), {"thresholds": [threshold_m], "buffer_m": BUFFER_M})
        rows = session.execute(text(SEARCHED)).all()
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": json.loads(r.geojson),
                "properties": {
                    "code": r.ref,
                    "name": r.name,
                    "kind": kind,
                    "threshold_m": threshold_m,
                    "reached_m": round(float(r.reached_m), 1),
                },
            }
            for r in rows
        ],
    }


def _stored(session: Session, threshold_m: float) -> bool:
    """Whether the stored table holds threshold_m (Rebuilding if it is stale)."""
    require_fresh(session, "walking_areas")
    reach = session.execute(
        text("SELECT reach_m FROM derived_tables WHERE name = 'walking_areas'")
    ).scalar()
    return reach is not None and threshold_m <= reach
