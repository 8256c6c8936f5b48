"""Numbers for the command cockpit: key figures, by street and category, hotspots."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import query


def cockpit_stats(
    session: Session, areas: list[str] | None, min_count: int = 3, ratio: float = 3.0
) -> dict[str, Any]:
    """The figures of the cases inside `areas` (LIKE patterns; None: all). Hotspots: last
    24 h at least `min_count` cases and `ratio` × (usual daily mean + 1)."""
    figures, streets, categories, hotspots = (
        query("cases/dashboard", n) for n in ("figures", "by_street", "by_category", "hotspots")
    )
    a = {"areas": areas}
    f = session.execute(text(figures), a).one()
    pct = round(100.0 * f.done_in_time / f.done, 1) if f.done else None
    return {
        "updated_at": datetime.now(UTC).isoformat(),
        "today": f.today,
        "open": f.open,
        "overdue": f.overdue,
        "total": f.total,
        "resolved_in_time_pct": pct,
        "by_street": [dict(r._mapping) for r in session.execute(text(streets), a)],
        "by_category": [dict(r._mapping) for r in session.execute(text(categories), a)],
        "hotspots": [
            dict(r._mapping)
            for r in session.execute(text(hotspots), {**a, "min_count": min_count, "ratio": ratio})
        ],
    }
