"""The walking network: pgRouting topology from road_edges, largest component kept."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import query


@dataclass(frozen=True)
class NetworkReport:
    edges: int
    components: int
    main_edges: int
    main_km: float
    dropped_edges: int
    dropped_km: float


def prepare_network(session: Session) -> NetworkReport:
    """Mark each edge's connected component and keep the largest as the main network.

    Every edge is walkable both ways (cost = reverse_cost = length in metres). Edges outside
    the largest component stay in the table, flagged main = false, and are reported.
    """
    components, main, report = (
        query("coverage/network", n) for n in ("components", "main", "report")
    )
    session.execute(text(components))
    session.execute(text(main))
    r = session.execute(text(report)).one()
    return NetworkReport(
        int(r.edges),
        int(r.components),
        int(r.main_edges),
        round(float(r.main_km), 1),
        int(r.dropped_edges),
        round(float(r.dropped_km), 1),
    )
