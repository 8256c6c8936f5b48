"""综合评价: each entity of a level (street, community, grid, unit, grid worker) over a period
(a month 2026-11, a quarter 2026-Q4, a year 2026, district time), its indicators
(geo/evaluation/words.py; their counts are geo/evaluation/sql/evaluation.sql), a composite score
from the weights file, its rank, and its change against the previous period of the same length.
Only cases reported in the period are read: its month partitions, never the history."""

from __future__ import annotations

import os
import tomllib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.words import FOUND_BY_WORKER
from geo.errors import Unprocessable
from geo.evaluation.answers import Entity, Evaluation
from geo.evaluation.words import INDICATORS, LEVELS, PERIOD, RATES
from geo.patrols.patrols import ACCURACY_M, REACH_M
from geo.sql.loader import query
from geo.vocabulary import DISTRICT_TZ

# Each level: the column of cases naming its entity, and where its names are (fixed texts)
ENTITY = {
    "street": ("c.street_code", "SELECT code, name FROM streets"),
    "community": ("c.community_code", "SELECT code, name FROM communities"),
    "grid": ("c.grid_code", "SELECT code, name FROM grids"),
    "unit": ("c.unit_code", "SELECT code, name FROM units"),
    "worker": ("c.worker_id", "SELECT id AS code, name FROM workers"),
}
WEIGHTS = Path(__file__).with_name("weights.toml")


def period_bounds(period: str) -> tuple[datetime, datetime, str]:
    """[start, end) of the period in district time, and the previous period's name."""
    m = PERIOD.match(period)
    if not m:
        raise Unprocessable(f"期间「{period}」须写作 2026-11（月）、2026-Q4（季）或 2026（年）")
    year, month, quarter = int(m.group(1)), m.group(2), m.group(3)
    tz = ZoneInfo(DISTRICT_TZ)
    if month:
        first, months = int(month), 1
        prev = f"{year - 1}-12" if first == 1 else f"{year}-{first - 1:02d}"
    elif quarter:
        first, months = 3 * int(quarter) - 2, 3
        prev = f"{year - 1}-Q4" if quarter == "1" else f"{year}-Q{int(quarter) - 1}"
    else:
        first, months, prev = 1, 12, str(year - 1)
    start = datetime(year, first, 1, tzinfo=tz)
    last = first - 1 + months
    end = datetime(year + last // 12, last % 12 + 1, 1, tzinfo=tz)
    return start, end, prev


@cache
def weights(path: str | None = None) -> tuple[dict[str, float], frozenset[str]]:
    """The score's weights and the rates where lower is better (GRIDMAP_EVALUATION_WEIGHTS, else
    geo/evaluation/weights.toml)."""
    chosen = Path(path or os.environ.get("GRIDMAP_EVALUATION_WEIGHTS") or WEIGHTS)
    data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    w = {k: float(v) for k, v in data.get("weights", {}).items()}
    unknown = set(w) - set(RATES)
    if unknown:
        raise ValueError(f"{chosen}: not rates of the evaluation: {sorted(unknown)}")
    lower = frozenset(k for k, v in data.get("lower_is_better", {}).items() if v)
    return w, lower


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def indicators(row: Any, patrol: Any | None) -> dict[str, float | int | None]:
    """An entity's indicators from its counts (and, for a worker, its patrols)."""
    (
        _,
        reported,
        found,
        registered,
        dispatched,
        dispatched_on_time,
        handled,
        handled_on_time,
        closed,
        closed_on_time,
        reworked,
        supervised,
        extended,
        parked,
        mean_hours,
    ) = row  # the columns of evaluation.sql's counts, in order
    out: dict[str, float | int | None] = {
        "reported": reported,
        "found": found,
        "registered": registered,
        "registered_rate": _ratio(registered, reported),
        "dispatched": dispatched,
        "dispatched_on_time_rate": _ratio(dispatched_on_time, dispatched),
        "handled": handled,
        "handled_on_time_rate": _ratio(handled_on_time, handled),
        "closed": closed,
        "closed_rate": _ratio(closed, registered - parked),
        "closed_on_time_rate": _ratio(closed_on_time, closed),
        "rework_rate": _ratio(reworked, closed),
        "supervised": supervised,
        "extended": extended,
        "parked": parked,
        "mean_hours": None if mean_hours is None else round(float(mean_hours), 2),
    }
    if patrol is not None:
        out["patrol_km"] = round(float(patrol.km or 0), 3)
        out["patrol_coverage"] = None if patrol.coverage is None else round(patrol.coverage, 4)
    return out


def score(values: dict[str, float | int | None]) -> float | None:
    """The weighted mean of the rates present, out of 100; none if it has none."""
    w, lower = weights()
    num = den = 0.0
    for key, weight in w.items():
        v = values.get(key)
        if v is None:
            continue
        num += weight * (1 - float(v) if key in lower else float(v))
        den += weight
    return round(100 * num / den, 2) if den else None


def _rows(
    session: Session,
    level: str,
    start: datetime,
    end: datetime,
    areas: list[str] | None,
    hours: bool = True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The level's counts (and a worker's patrols) per entity; without `hours` no mean
    handling time (the clock is not read), for a period read for its score alone."""
    column, _ = ENTITY[level]
    params = {"start": start, "end": end, "areas": areas}
    sql = (
        query("evaluation/evaluation", "counts")
        .replace("/*entity*/", column)
        .replace("/*hours*/", "true" if hours else "false")
    )
    counts = {
        str(r.entity): r
        for r in session.execute(text(sql), {**params, "found_source": FOUND_BY_WORKER})
    }
    patrols: dict[str, Any] = {}
    if level == "worker":
        patrols = {
            str(r.entity): r
            for r in session.execute(
                text(query("evaluation/evaluation", "patrols")),
                {**params, "accuracy": ACCURACY_M, "reach": REACH_M},
            )
        }
    return counts, patrols


def _rows_apart(
    session: Session, level: str, start: datetime, end: datetime, areas: list[str] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """_rows without the hours, in a session of its own on the same database (run in another
    thread beside the caller's): it reads what is committed, not the caller's own writes."""
    with Session(session.get_bind()) as own:
        return _rows(own, level, start, end, areas, hours=False)


NO_PATROL = SimpleNamespace(km=0.0, coverage=None)


def _scored(
    counts: dict[str, Any], patrols: dict[str, Any], workers: bool
) -> dict[str, dict[str, Any]]:
    out = {}
    for code, row in counts.items():
        values = indicators(row, patrols.get(code, NO_PATROL) if workers else None)
        out[code] = {"indicators": values, "score": score(values)}
    return out


def evaluate(session: Session, level: str, period: str, areas: list[str] | None) -> Evaluation:
    """The level's entities in the caller's areas, ranked by score (ties share a rank)."""
    if level not in LEVELS:
        raise Unprocessable(f"层级「{level}」须为 {'、'.join(LEVELS)} 之一")
    start, end, prev = period_bounds(period)
    p_start, p_end, _ = period_bounds(prev)
    workers = level == "worker"
    # The previous period's score only (the weights are rates, never the mean handling time),
    # counted on a connection of its own while this period's are: the two read different
    # month partitions, and each takes a core (at 10⁷ cases, 2.0 s and 0.9 s one after the
    # other).
    with ThreadPoolExecutor(1) as pool:
        earlier = pool.submit(_rows_apart, session, level, p_start, p_end, areas)
        now = _scored(*_rows(session, level, start, end, areas), workers)
        before = _scored(*earlier.result(), workers)
    names: dict[str, str] = {str(c): n for c, n in session.execute(text(ENTITY[level][1]))}
    order = sorted(now, key=lambda c: (now[c]["score"] is None, -(now[c]["score"] or 0), c))
    entities: list[Entity] = []
    rank = 0
    for i, code in enumerate(order):
        s = now[code]["score"]
        if s is not None and (i == 0 or s != now[order[i - 1]]["score"]):
            rank = i + 1
        was = before.get(code, {}).get("score")
        entities.append(
            {
                "code": code,
                "name": names.get(code),
                "indicators": now[code]["indicators"],
                "score": s,
                "rank": rank if s is not None else None,
                "change": None if s is None or was is None else round(s - was, 2),
            }
        )
    return {
        "level": level,
        "period": period,
        "previous": prev,
        "entities": entities,
        "definitions": definitions(),
    }


def definitions() -> dict[str, Any]:
    """Each indicator's Chinese name and definition, and how the score is made."""
    w, lower = weights()
    return {
        **{k: {"name": name, "definition": d} for k, (name, d) in INDICATORS.items()},
        "score": {
            "name": "综合得分",
            "definition": "各率的加权平均（满分 100；越低越好的率按 1 − 率 计）："
            + "，".join(
                f"{INDICATORS[k][0]} {v:g}{'（越低越好）' if k in lower else ''}"
                for k, v in w.items()
            ),
        },
    }
