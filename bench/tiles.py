"""Vector tiles and OGC API items, side by side: our server uncached and cached, the floor, TiPG.

    .venv/bin/python bench/tiles.py [--skip-scale10] [--seconds 10] [--rounds 2]

On the demo database `gridmap` and the synthetic `gridmap_scale10` (built if missing), tiles
of the cases, buildings and roads layers at z12–z16 (every layer's tiles in its zoom range,
around sampled features), 8 concurrent clients (wrk), for:
  - gridmap /tiles with its tile caches off (GRIDMAP_TILE_CACHE_MB=0, GRIDMAP_TILE_DISK_MB=0),
    and with them warmed;
  - the floor: each layer's own tile query in a bare WSGI app (bench/floor_tiles.py);
  - TiPG (1.6, from PyPI, installed into var/bench/tipg on first run) on views in a schema
    `bench` that hold the same rows and attributes as our layers.
All three are served with the same number of worker processes. Then the cases layer paged
through 1,000 at a time: our /ogc items against TiPG's items, one client, following `next`.
Needs `wrk` (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from bench.districts import district  # noqa: E402
from bench.wrk import wrk  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from layers.registry import LAYERS  # noqa: E402
from ops.database import local_cluster  # noqa: E402
from ops.serving import APP, gunicorn_command  # noqa: E402
from webmap.tiles import tile_of  # noqa: E402

KEY = load_settings().demo_key
LAYER_KEYS = ("cases", "buildings", "roads")
ZOOMS = range(12, 17)
TIPG = ROOT / "var" / "bench" / "tipg"
WORKERS = 2 * (os.cpu_count() or 1) + 1


def tipg_python() -> Path:
    """TiPG in its own virtualenv (its dependencies are not ours)."""
    py = TIPG / "bin" / "python"
    if not (TIPG / "bin" / "uvicorn").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TIPG)], check=True)
        subprocess.run(
            [str(TIPG / "bin" / "pip"), "install", "-q", "tipg==1.6.*", "uvicorn[standard]"],
            check=True,
        )
    return py


def bench_views(conninfo: str) -> None:
    """Schema `bench`: a view per layer with the layer's rows and attributes (its SQL with the
    whole world as box and no area limit), for TiPG to serve."""
    world = {"minx": "-180", "miny": "-90", "maxx": "180", "maxy": "90", "tol": "0"}
    world |= {"kind": "NULL", "grid": "NULL", "at": "NULL", "areas": "NULL"}
    with psycopg.connect(conninfo, autocommit=True) as c:
        c.execute("CREATE SCHEMA IF NOT EXISTS bench")
        for key in LAYER_KEYS:
            layer = re.sub(r"(?<![:\w]):(\w+)", lambda m: world[m.group(1)], LAYERS[key].sql)
            view = sql.Identifier("bench", key)
            c.execute(sql.SQL("DROP VIEW IF EXISTS {}").format(view))
            c.execute(
                sql.SQL("CREATE VIEW {} AS SELECT code, name, props, geom FROM ({}) l").format(
                    view,
                    sql.SQL(layer),  # type: ignore[arg-type]  (the repo's own SQL file)
                )
            )


def tile_paths(conninfo: str, per_zoom: int = 150) -> list[tuple[str, int, int, int]]:
    """(layer, z, x, y) around up to 600 sampled features of each layer, per_zoom per zoom."""
    out = []
    with psycopg.connect(conninfo) as c:
        for key in LAYER_KEYS:
            spec = LAYERS[key]
            pts = c.execute(
                sql.SQL(
                    "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p "
                    "FROM {} ORDER BY md5(code) LIMIT 600) s"
                ).format(sql.Identifier("bench", key))
            ).fetchall()
            for z in ZOOMS:
                if z < spec.tile_min_zoom:
                    continue
                seen = {tile_of(lon, lat, z) for lon, lat in pts}
                out += [(key, z, x, y) for x, y in sorted(seen)[:per_zoom]]
    return out


def start(cmd: list[str], env: dict[str, str], probe: str) -> subprocess.Popen[bytes]:
    p = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(probe, headers={"X-API-Key": KEY}))
            return p
        except Exception:  # noqa: BLE001 (not up yet)
            if time.monotonic() > deadline or p.poll() is not None:
                stop(p)
                raise RuntimeError(f"{cmd[0]} did not come up ({probe})") from None
            time.sleep(0.3)


def stop(p: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(p.pid, signal.SIGTERM)
    p.wait()


def servers(url: str, conninfo: str) -> list[dict]:  # type: ignore[type-arg]
    """(name, command, env, port, path of a tile, headers, warm-up seconds) of each server."""
    env = {**os.environ, "GRIDMAP_RESOLVED_URL": url, "GRIDMAP_RATE_LIMIT": "off"}
    env |= {"PYTHONPATH": str(ROOT), "FLOOR_CONNINFO": conninfo}
    ours = gunicorn_command(APP, "127.0.0.1:{port}", WORKERS)
    # TiPG's settings want a host in the URL: the socket directory, percent-encoded
    parts = urlsplit(conninfo)
    q = dict(parse_qsl(parts.query))
    tipg_url = f"postgresql://{parts.username}@{quote(q['host'], safe='')}:{q['port']}{parts.path}"
    tipg_env = {
        **env,
        "DATABASE_URL": tipg_url,
        "TIPG_DB_SCHEMAS": '["bench"]',
        "TIPG_DB_EXCLUDE_TABLE_PRIVILEGES": "true",
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    key = ["-H", f"X-API-Key: {KEY}"]
    return [
        {
            "name": "gridmap /tiles, cache off",
            "cmd": ours,
            "env": env | {"GRIDMAP_TILE_CACHE_MB": "0", "GRIDMAP_TILE_DISK_MB": "0"},
            "port": 5911,
            "tile": "/tiles/{layer}/{z}/{x}/{y}.mvt",
            "headers": key,
            "warm": 2,
        },
        {
            "name": "gridmap /tiles, cache warm",
            "cmd": ours,
            "env": env,
            "port": 5912,
            "tile": "/tiles/{layer}/{z}/{x}/{y}.mvt",
            "headers": key,
            "warm": 20,  # each worker process keeps its own cache
        },
        {
            "name": "floor: layer SQL + bare WSGI",
            "cmd": gunicorn_command("bench.floor_tiles:app", "127.0.0.1:{port}", WORKERS),
            "env": env,
            "port": 5913,
            "tile": "/{layer}/{z}/{x}/{y}",
            "headers": [],
            "warm": 2,
        },
        {
            "name": "TiPG 1.6, 1 worker (its default)",
            "cmd": [
                str(TIPG / "bin" / "uvicorn"),
                "tipg.main:app",
                "--port",
                "{port}",
                "--log-level",
                "warning",
            ],
            "env": tipg_env,
            "port": 5915,
            "tile": "/collections/bench.{layer}/tiles/WebMercatorQuad/{z}/{x}/{y}",
            "headers": [],
            "warm": 2,
        },
        {
            "name": "TiPG 1.6 (uvicorn)",
            "cmd": [
                str(TIPG / "bin" / "uvicorn"),
                "tipg.main:app",
                "--port",
                "{port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            "env": tipg_env,
            "port": 5914,
            "tile": "/collections/bench.{layer}/tiles/WebMercatorQuad/{z}/{x}/{y}",
            "headers": [],
            "warm": 2,
        },
    ]


def tiles_side_by_side(url: str, seconds: int, rounds: int) -> list[str]:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    paths = tile_paths(conninfo)
    best: dict[str, dict[str, float]] = {}
    for _ in range(rounds):
        for s in servers(url, conninfo):
            port = s["port"]
            cmd = [c.replace("{port}", str(port)) for c in s["cmd"]]
            if "gunicorn" in s["cmd"][:3]:
                cmd += ["--chdir", str(ROOT)]
            mine = [s["tile"].format(layer=k, z=z, x=x, y=y) for k, z, x, y in paths]
            proc = start(cmd, s["env"], f"http://127.0.0.1:{port}{mine[0]}")
            try:
                base = f"http://127.0.0.1:{port}"
                wrk(base, mine, s["warm"], s["headers"])
                r = wrk(base, mine, seconds, s["headers"])
                if "warm" in s["name"]:  # one client alone: the time to serve a cached tile
                    alone = wrk(base, mine, seconds, s["headers"], clients=1)
                    if "alone" not in best or alone["p50"] < best["alone"]["p50"]:
                        best["alone"] = alone
            finally:
                stop(proc)
            if s["name"] not in best or r["rps"] > best[s["name"]]["rps"]:
                best[s["name"]] = r
    alone = best.pop("alone")
    rows = [
        f"  {n:34s} {r['rps']:7.0f} req/s   p50 {r['p50']:7.2f} ms   p99 {r['p99']:7.1f} ms"
        f"   non-2xx {r['non2xx']:.0f}"
        for n, r in best.items()
    ]
    cold = best["gridmap /tiles, cache off"]
    floor, tipg = best["floor: layer SQL + bare WSGI"], best["TiPG 1.6 (uvicorn)"]
    tipg1 = best["TiPG 1.6, 1 worker (its default)"]
    rows += [
        f"  {len(paths)} tiles ({', '.join(LAYER_KEYS)}; z{ZOOMS[0]}–{ZOOMS[-1]}), "
        f"8 clients, {WORKERS} workers each, best of {rounds} rounds",
        f"  uncached p50 {cold['p50'] / floor['p50']:.2f}x the floor's (goal ≤ 1.5); "
        f"throughput {cold['rps'] / tipg['rps']:.1f}x TiPG's with as many workers, "
        f"{cold['rps'] / tipg1['rps']:.1f}x TiPG's default (goal ≥ 4)",
        f"  cached tile, one client alone: p50 {alone['p50']:.2f} ms, p99 {alone['p99']:.2f} ms, "
        f"{alone['rps']:.0f} req/s (goal: p50 < 1 ms)",
    ]
    return rows


def items_walk(base: str, first: str, headers: dict[str, str], pages: int) -> tuple[int, float]:
    """Follow `next` from the first page: (features, seconds), at most `pages` pages."""
    url, n, t0 = base + first, 0, time.perf_counter()
    for _ in range(pages):
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            doc = json.load(r)
        n += len(doc["features"])
        nxt = [link["href"] for link in doc.get("links", []) if link.get("rel") == "next"]
        if not nxt or not doc["features"]:
            break
        url = nxt[0] if nxt[0].startswith("http") else base + nxt[0]
    return n, time.perf_counter() - t0


def items_side_by_side(url: str, pages: int) -> list[str]:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    rows, got = [], {}
    for s in servers(url, conninfo):
        if "warm" in s["name"] or "1 worker" in s["name"] or s["name"].startswith("floor"):
            continue
        port = s["port"]
        cmd = [c.replace("{port}", str(port)) for c in s["cmd"]]
        if "gunicorn" in s["cmd"][:3]:
            cmd += ["--chdir", str(ROOT)]
        ogc = s["name"].startswith("gridmap")
        first = (
            "/ogc/collections/cases/items?limit=1000"
            if ogc
            else "/collections/bench.cases/items?limit=1000"
        )
        proc = start(cmd, s["env"], f"http://127.0.0.1:{port}{first}")
        try:
            hdr = {"X-API-Key": KEY, "Accept": "application/geo+json"}
            items_walk(f"http://127.0.0.1:{port}", first, hdr, 2)  # warm
            runs = [items_walk(f"http://127.0.0.1:{port}", first, hdr, pages) for _ in range(3)]
        finally:
            stop(proc)
        n = runs[0][0]
        sec = statistics.median(r[1] for r in runs)
        name = "gridmap /ogc items" if ogc else "TiPG items"
        got[name] = sec
        rows.append(f"  {name:30s} {n:7d} cases in {sec:6.2f} s ({n / sec:8.0f} features/s)")
    ratio = got["gridmap /ogc items"] / got["TiPG items"]
    rows.append(f"  ours takes {ratio:.2f}x TiPG's time (goal ≤ 1), median of 3 walks")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip-scale10", action="store_true")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--pages", type=int, default=50, help="items pages walked at most")
    args = ap.parse_args()
    tipg_python()
    local_cluster(load_settings())
    for db in ["gridmap"] + ([] if args.skip_scale10 else ["gridmap_scale10"]):
        url, engine = district(db)
        engine.dispose()
        conninfo = url.replace("postgresql+psycopg://", "postgresql://")
        bench_views(conninfo)
        with psycopg.connect(conninfo) as c:
            cases = c.execute("SELECT count(*) FROM bench.cases").fetchone()[0]  # type: ignore[index]
        print(f"\n== {db}: {cases:,} cases on the map ==")
        print("tiles:")
        for row in tiles_side_by_side(url, args.seconds, args.rounds):
            print(row)
        print("items, cases layer, 1,000 per page:")
        for row in items_side_by_side(url, args.pages):
            print(row)


if __name__ == "__main__":
    main()
