"""How the cost grows with the number of cases: 10⁶ and 10⁷, side by side.

    .venv/bin/python bench/scale.py [--sizes 1000000,10000000] [--keep]

Each size gets its own database, a copy of the scale-10 city (`gridmap generate --scale 10`,
built if missing) whose 300,000 cases are multiplied up to the size: new cases at jittered
places of the existing ones, created over the last two years, one in a hundred still open (a
city's open cases do not grow with its history), the rest closed. Then, per size:
  - the batch assignment: every case's street, community, grid, zone, party organisation and
    worker (geo.assign.assign_pending, the rule of an import), cases per second;
  - the cockpit's statistics (geo.cases.dashboard.cockpit_stats, the district), median of 3;
  - a layer read: the cases layer as the cockpit asks for it (the city at zoom 12, GeoJSON) and
    one z14 vector tile of the densest area, median of 3.
The databases are dropped afterwards unless --keep. A 10⁷ run takes about half an hour here.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.districts import district  # noqa: E402
from geo.assign import assign_pending  # noqa: E402
from geo.cases.dashboard import cockpit_stats  # noqa: E402
from geo.db import driver  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from layers.frames import layer_params, versioned_tile_sql  # noqa: E402
from layers.registry import LAYERS  # noqa: E402
from ops.database import local_cluster  # noqa: E402
from webmap.tile_cache import reads  # noqa: E402
from webmap.tiles import tile_bounds, tile_of  # noqa: E402

MULTIPLY = """
INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, description,
                   source, status, created_at, updated_at, closed_at, due_at)
SELECT ST_X(p), ST_Y(p), 'wgs84', p, s.category_code, s.description, 'import', st,
       at, at, CASE WHEN st = 'closed' THEN at + interval '2 days' END, at + interval '3 days'
FROM generate_series(1, %(n)s) g
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, geom, category_code, description
      FROM cases) s ON s.k = g %% %(seeds)s
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(ST_X(s.geom) + (random() - 0.5) * 0.002,
                                                  ST_Y(s.geom) + (random() - 0.5) * 0.002),
                                      4326) AS p,
                           now() - random() * interval '730 days' AS at,
                           CASE WHEN random() < 0.01 THEN 'assigned' ELSE 'closed' END AS st) r
"""


def median_s(f, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def build(cluster, name: str, size: int, multiply: str = MULTIPLY) -> str:  # type: ignore[no-untyped-def]
    """A copy of the scale-10 city with its cases multiplied up to `size` by `multiply`."""
    with psycopg.connect(cluster.conninfo("postgres"), autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = 'gridmap_scale10' AND pid <> pg_backend_pid()"
        )
        c.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE gridmap_scale10").format(sql.Identifier(name))
        )
    with psycopg.connect(cluster.conninfo(name), autocommit=True) as c:
        seeds = c.execute("SELECT count(*) FROM cases").fetchone()[0]  # type: ignore[index]
        c.execute("SELECT ensure_case_months(now() - interval '731 days', now())")  # by month
        c.execute(multiply, {"n": size - seeds, "seeds": seeds})
        c.execute("SELECT fold_case_tallies()")
        c.execute("VACUUM ANALYZE cases")
    return str(cluster.url(name))


def measure(url: str, size: int) -> dict[str, float]:
    engine = create_engine(url)
    out: dict[str, float] = {}
    with Session(engine) as s:
        s.execute(text("UPDATE cases SET rule = NULL WHERE rule IS NOT NULL"))  # the seeds
        s.commit()
        t0 = time.perf_counter()
        phases: dict[str, float] = {}
        assign_pending(s, load_settings().snap_distance_m, phases)
        s.commit()
        out["assign_s"] = time.perf_counter() - t0
        out |= {f"assign_{k}_s": v for k, v in phases.items()}
        s.execute(text("ANALYZE cases"))
        out["cockpit_s"] = median_s(lambda: cockpit_stats(s, None))
        x0, y0, x1, y1 = s.execute(
            text(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                "(SELECT ST_Extent(geom) e FROM grids) g"
            )
        ).one()
        spec = LAYERS["cases"]
        fc = spec.feature_collection_sql
        params = layer_params(None, (x0, y0, x1, y1), tol=0.5 * 360.0 / (256 * 2**12))
        out["layer_s"] = median_s(lambda: s.execute(text(fc), params).scalar_one())
        lon, lat = s.execute(
            text(
                "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(geom)) c "
                "FROM (SELECT geom FROM cases WHERE status = 'assigned' LIMIT 5000) k) q"
            )
        ).one()
        z = 14
        x, y = tile_of(lon, lat, z)
        tile = {**layer_params(None, tile_bounds(z, x, y)), "z": z, "x": x, "y": y}
        tile |= {"layer": "cases", "clip": False}
        tables, _ = reads(driver(s), spec.sql)  # as the tile cache finds them
        versioned = text(versioned_tile_sql("cases", tables))
        out["tile_s"] = median_s(lambda: s.execute(versioned, tile).one())
        out["open"] = s.execute(
            text("SELECT count(*) FROM cases WHERE status = 'assigned'")
        ).scalar_one()
    engine.dispose()
    out["cases"] = size
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    sizes = [int(v) for v in args.sizes.split(",")]
    district("gridmap_scale10")[1].dispose()
    cluster = local_cluster(load_settings())
    rows = []
    for size in sizes:
        name = f"gridmap_cases_{size}"
        t0 = time.perf_counter()
        url = build(cluster, name, size)
        built = time.perf_counter() - t0
        r = measure(url, size)
        r["build_s"] = built
        rows.append(r)
        print(
            f"{size:>11,} cases ({r['open']:,} open): "
            f"batch assignment {r['assign_s']:7.1f} s ({size / r['assign_s']:8,.0f} cases/s)   "
            f"cockpit statistics {r['cockpit_s'] * 1000:8.0f} ms   "
            f"cases layer (city, z12) {r['layer_s'] * 1000:7.0f} ms   "
            f"z14 tile {r['tile_s'] * 1000:6.1f} ms   [built in {built:.0f} s]\n"
            f"    the assignment: reading the pieces {r['assign_read_s']:.1f} s, the rule "
            f"{r['assign_rule_s']:.1f} s, writing back {r['assign_write_s']:.1f} s",
            flush=True,
        )
        if not args.keep:
            with psycopg.connect(cluster.conninfo("postgres"), autocommit=True) as c:
                c.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        k = b["cases"] / a["cases"]
        print(f"growth for {k:.0f}x the cases (more than {k:.0f}x: grows faster than linear):")
        for key, label in (
            ("assign_s", "batch assignment"),
            ("assign_read_s", "  reading the pieces"),
            ("assign_rule_s", "  the rule"),
            ("assign_write_s", "  writing back"),
            ("cockpit_s", "cockpit statistics"),
            ("layer_s", "cases layer"),
            ("tile_s", "z14 tile"),
        ):
            print(f"  {label:20s} {b[key] / a[key]:6.1f}x   ({a[key]:.1f} s → {b[key]:.1f} s)")


if __name__ == "__main__":
    main()
