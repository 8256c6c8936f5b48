"""Trends for the cockpit: cases reported, closed and overdue per hour, day or week, in total
or by category, street or unit (geo/evaluation/sql/series.sql)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import Unprocessable
from geo.sql.loader import query
from geo.vocabulary import DISTRICT_TZ

Interval = Literal["hour", "day", "week"]
By = Literal["category", "street", "unit"]
BY = {"category": "c.category_code", "street": "c.street_code", "unit": "c.unit_code"}
MOST = {"hour": 24 * 31, "day": 400, "week": 260}  # buckets in one answer


def series(
    session: Session,
    interval: str,
    since: datetime,
    until: datetime,
    by: str | None,
    areas: list[str] | None,
) -> dict[str, Any]:
    """{"interval", "since", "until", "by", "buckets": [...], "series": {key: {"reported": [...],
    "closed": [...], "overdue": [...]}}} with one value per bucket; the key is "total" when by
    is none, and "none" for cases with no value under it."""
    if until <= since:
        raise Unprocessable("until 须晚于 since")
    step = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
    if (until - since) / step[interval] > MOST[interval]:
        raise Unprocessable(f"按{interval}最多 {MOST[interval]} 段：请缩短时间范围")
    sql = query("evaluation/series", "series").replace("/*by*/", BY[by] if by else "'total'")
    rows = session.execute(
        text(sql), {"step": interval, "since": since, "until": until, "areas": areas}
    ).all()
    buckets = sorted({r.bucket for r in rows})
    at = {b: i for i, b in enumerate(buckets)}
    out: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {k: [0] * len(buckets) for k in ("reported", "closed", "overdue")}
    )
    for r in rows:
        if r.key is None:
            continue  # a bucket with nothing in it
        for k in ("reported", "closed", "overdue"):
            out[r.key][k][at[r.bucket]] += int(getattr(r, k))
    if not by:
        out["total"]  # noqa: B018 - the total's line, even of nothing
    return {
        "interval": interval,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "by": by,
        "buckets": [b.replace(tzinfo=ZoneInfo(DISTRICT_TZ)).isoformat() for b in buckets],
        "series": dict(out),
    }
