"""综合评价, trends and 事件预警 at 10⁶ and 10⁷ cases (issue #31's speed).

    .venv/bin/python bench/stats.py [--sizes 1000000,10000000] [--keep] [--reuse]

Each size gets its own database, built like bench/scale.py's (a copy of the scale-10 city whose
cases are multiplied up to the size over the last two years), but each new case takes its
seed's place in the hierarchy (street, community, grid, zone, worker, unit) and its seed's
workflow shifted to its own time (dispatch, due and closing times, rework, 督办), so the
evaluation has every path to count; one in a hundred is still open. New cases have no trail
(as a batch-imported case has none: its resolution time is its closing time).

Per size, the median of 3 runs of:
  - the evaluation of last month at each level (geo.evaluation.evaluation.evaluate, the whole
    district: no area limit);
  - the 30-day daily series, in total and by street (geo.evaluation.series.series);
  - today's early warning for the whole district (geo.evaluation.warnings.warnings).
Goals: each under 1 s at 10⁶ and under 3 s at 10⁷; the early warning under 1 s at 10⁶.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.districts import district  # noqa: E402
from bench.scale import build, median_s  # noqa: E402
from geo.evaluation.evaluation import evaluate  # noqa: E402
from geo.evaluation.series import series  # noqa: E402
from geo.evaluation.warnings import warnings  # noqa: E402
from geo.migrate import upgrade  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from ops.database import local_cluster  # noqa: E402

LEVELS = ("street", "community", "grid", "unit", "worker")
TZ = ZoneInfo("Asia/Shanghai")
# the seed's place and workflow, at a jittered place and a random time of the last two years
MULTIPLY = """
INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, description,
                   source, status, created_at, updated_at, closed_at, due_at, dispatch_due_at,
                   dispatched_at, street_code, community_code, grid_code, zone_kind, zone_code,
                   party_org_code, worker_id, unit_code, rule, rework_count, supervision_level)
SELECT ST_X(p), ST_Y(p), 'wgs84', p, s.category_code, s.description, s.source, st,
       at, at, CASE WHEN st = 'closed' THEN at + COALESCE(s.closed_at - s.created_at,
                                                           interval '2 days') END,
       at + COALESCE(s.due_at - s.created_at, interval '3 days'),
       at + COALESCE(s.dispatch_due_at - s.created_at, interval '1 hour'),
       at + (s.dispatched_at - s.created_at),
       s.street_code, s.community_code, s.grid_code, s.zone_kind, s.zone_code,
       s.party_org_code, s.worker_id, s.unit_code, s.rule, s.rework_count, s.supervision_level
FROM generate_series(1, %(n)s) g
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, * FROM cases) s ON s.k = g %% %(seeds)s
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(ST_X(s.geom) + (random() - 0.5) * 0.0004,
                                                  ST_Y(s.geom) + (random() - 0.5) * 0.0004),
                                      4326) AS p,
                           now() - random() * interval '730 days' AS at,
                           CASE WHEN random() < 0.01 THEN 'accepted' ELSE 'closed' END AS st) r
"""


def measure(url: str) -> dict[str, float]:
    engine = create_engine(url)
    out: dict[str, float] = {}
    now = datetime.now(TZ)
    month = (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    since = (now - timedelta(days=30)).replace(hour=0, minute=0, second=0, microsecond=0)
    with Session(engine) as s:
        for level in LEVELS:
            out[f"evaluation_{level}"] = median_s(lambda lv=level: evaluate(s, lv, month, None))
        out["series"] = median_s(lambda: series(s, "day", since, now, None, None))
        out["series_street"] = median_s(lambda: series(s, "day", since, now, "street", None))
        out["warnings"] = median_s(lambda: warnings(s, now.date(), None, 0.01))
        s.rollback()
    engine.dispose()
    return out


def kept(cluster, name: str) -> bool:  # type: ignore[no-untyped-def]
    with psycopg.connect(cluster.conninfo("postgres")) as c:
        return (
            c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is not None
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--keep", action="store_true", help="keep each size's database")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="measure a database kept by --keep, not built anew (with --keep, kept again)",
    )
    args = ap.parse_args()
    district("gridmap_scale10")[1].dispose()
    cluster = local_cluster(load_settings())
    for size in (int(v) for v in args.sizes.split(",")):
        name = f"gridmap_stats_{size}"
        url = str(cluster.url(name)) if args.reuse and kept(cluster, name) else None
        if url is None:
            url = build(cluster, name, size, MULTIPLY)
        else:
            upgrade(url)  # kept before the latest migrations
        r = measure(url)
        goal = 1.0 if size <= 1_000_000 else 3.0
        print(f"{size:>11,} cases (goal: each under {goal:.0f} s)", flush=True)
        for key, label in [
            (f"evaluation_{lv}", f"evaluation, last month, {lv}") for lv in LEVELS
        ] + [
            ("series", "30-day series"),
            ("series_street", "30-day series by street"),
            ("warnings", "early warning, district"),
        ]:
            mark = "ok" if r[key] < goal else "MISSED"
            print(f"  {label:36s} {r[key] * 1000:9.0f} ms   {mark}", flush=True)
        if not args.keep:
            with psycopg.connect(cluster.conninfo("postgres"), autocommit=True) as c:
                c.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
