"""Walking areas: per facility, the part of the main network within a walking distance (partial
edges included), buffered into a polygon. Unlike the coverage table (geo/coverage.py), which
reads every compound's stored reach, an area needs the network searched from each facility:
one pgRouting call for all of them, on the stored coverage graph with the facilities attached.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.derived import require_fresh
from geo.sql.loader import query, script

NEW_SOURCES = script("walking_areas")
FACILITIES = query("walking_areas", "facilities")
AREAS = query("walking_areas", "areas")
GRAPH = script("coverage_graph_view")
ATTACH = query("coverage_attach", "attach")
FIRST_SOURCE_PID = 100_000_001  # coverage_targets (compounds) number from 1


def walking_graph(session: Session, kind: str) -> None:
    """Temp table cov_sources (the kind's facilities) and temp view cov_edges: the stored
    coverage graph (Rebuilding if it is stale), each facility attached where it meets the road."""
    for sql in NEW_SOURCES:
        session.execute(text(sql))
    session.execute(text(FACILITIES), {"kind": kind, "first": FIRST_SOURCE_PID})
    require_fresh(session, "coverage_graph")
    for sql in GRAPH:
        session.execute(text(sql))
    session.execute(text(ATTACH))


def walking_areas(
    session: Session, kind: str, threshold_m: float, buffer_m: float = 30.0
) -> dict[str, Any]:
    """A FeatureCollection: per facility, the network within threshold_m, buffered."""
    walking_graph(session, kind)
    rows = session.execute(text(AREAS), {"threshold": threshold_m, "buffer_m": buffer_m}).all()
    names: dict[str, str] = dict(
        session.execute(
            text("SELECT code, name FROM facilities WHERE kind = :k"), {"k": kind}
        ).all()
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": json.loads(r.geojson),
                "properties": {
                    "code": r.ref,
                    "name": names.get(r.ref, r.ref),
                    "kind": kind,
                    "threshold_m": threshold_m,
                    "reached_m": round(float(r.reached_m), 1),
                },
            }
            for r in rows
        ],
    }
