"""Walking coverage speed, side by side: pgRouting, networkx and scipy on the same graph.

    .venv/bin/pip install -e '.[bench]'      # networkx, scipy
    .venv/bin/python bench/coverage.py [--skip-scale10]

For the demo and the scale-10 city: the full coverage table (every facility kind at 500 m,
per compound, with totals), an incremental scenario delta (one site added), the rebuild of the
stored graph and reach the table reads (after roads or compounds change), and the shortest-path
step alone three ways on the same graph (split edges, snap legs, the facilities attached):
pgRouting's one-call pgr_drivingDistance for all sources, networkx multi-source Dijkstra, and
scipy.sparse.csgraph.dijkstra with `limit`. Checks the three agree. Every figure is the best of
seven runs. Nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.districts import district  # noqa: E402
from geo.coverage.coverage import Site, add_sites_delta, coverage, network_limit  # noqa: E402
from geo.coverage.derived import refresh  # noqa: E402
from geo.coverage.freshness import built_reach  # noqa: E402
from geo.coverage.walking_areas import OFFERED_M, walking_areas, walking_graph  # noqa: E402
from geo.settings import load_settings  # noqa: E402

T = 500.0
REACH_M = load_settings().coverage_reach_m


def timed(fn, repeat: int = 7):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def shortest_paths(s: Session, table_s: float) -> list[str]:
    """The shortest-path step alone, on the graph a coverage run searches (stored graph with the
    party-mass centres attached), to the same limit (twice the threshold), four ways."""
    import networkx as nx
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    limit = network_limit(T, built_reach(s))
    walking_graph(s, "party_service_centre")
    # Roads both ways; a compound's access edges only into it (reverse_cost -1).
    rows = s.execute(text("SELECT source, target, cost, reverse_cost FROM cov_edges")).all()
    fwd = np.array([(a, b, c) for a, b, c, _ in rows], dtype=float)
    back = np.array([(b, a, r) for a, b, _, r in rows if r >= 0], dtype=float)
    arcs = np.concatenate([fwd, back])  # directed: from, to, cost
    edges = fwd
    sources = [int(r[0]) for r in s.execute(text("SELECT -pid - 1000000000 FROM cov_sources"))]
    targets = [int(r[0]) for r in s.execute(text("SELECT -pid - 1000000000 FROM coverage_targets"))]
    # as geo/coverage/sql/walking_areas.sql does it: every source's tree, least cost per node
    pg_sql = (
        "SELECT node, min(agg_cost) FROM pgr_drivingDistance('SELECT id, source, target, cost, "
        "reverse_cost FROM cov_edges', ARRAY(SELECT -pid - 1000000000 FROM cov_sources), "
        ":t, directed := true, equicost := false) GROUP BY node"
    )
    t_pg, rows = timed(lambda: s.execute(text(pg_sql), {"t": limit}).all())
    pg = {int(n): c for n, c in rows}

    g = nx.DiGraph()  # parallel roads: the shorter one is added last and kept
    g.add_weighted_edges_from((int(a), int(b), c) for a, b, c in arcs[np.argsort(-arcs[:, 2])])
    t_nx, nxd = timed(lambda: nx.multi_source_dijkstra_path_length(g, sources, cutoff=limit))
    t_nx_all, _ = timed(lambda: nx.multi_source_dijkstra_path_length(g, sources))

    ids, inv = np.unique(arcs[:, :2].astype(np.int64), return_inverse=True)
    inv = inv.reshape(-1, 2)
    n = len(ids)
    order = np.lexsort((arcs[:, 2], inv[:, 1], inv[:, 0]))  # parallel arcs: keep the shortest
    first = np.ones(len(order), dtype=bool)
    first[1:] = np.any(np.diff(inv[order], axis=0) != 0, axis=1)
    keep = order[first]
    m = coo_matrix((arcs[keep, 2] + 1e-9, (inv[keep, 0], inv[keep, 1])), shape=(n, n)).tocsr()
    src_idx = np.searchsorted(ids, sources)
    t_sp, dist = timed(
        lambda: dijkstra(m, directed=True, indices=src_idx, limit=limit, min_only=True)
    )
    t_sp_rows, _ = timed(lambda: dijkstra(m, directed=True, indices=src_idx, limit=limit))
    sp = {int(ids[i]): d for i, d in enumerate(dist) if np.isfinite(d)}

    agree = all(
        abs(pg.get(t, np.inf) - nxd.get(t, np.inf)) < 0.5 or (t not in pg and t not in nxd)
        for t in targets
    ) and all(
        abs(nxd.get(t, np.inf) - sp.get(t, np.inf)) < 0.5 or (t not in sp and t not in nxd)
        for t in targets
    )
    s.rollback()
    return [
        f"  graph: {len(edges)} edges, {len(sources)} sources, {len(targets)} compounds, "
        f"limit {limit:.0f} m; all agree on every compound: {agree}",
        f"  pgRouting pgr_drivingDistance, one call    {t_pg * 1000:7.1f} ms",
        f"  networkx multi_source_dijkstra, cutoff    {t_nx * 1000:7.1f} ms",
        f"  networkx multi_source_dijkstra, whole     {t_nx_all * 1000:7.1f} ms",
        f"  scipy dijkstra(limit, min_only)           {t_sp * 1000:7.1f} ms",
        f"  scipy dijkstra(limit), a row per source   {t_sp_rows * 1000:7.1f} ms",
        f"  the full table for this kind ({table_s * 1000:.1f} ms) = "
        f"{table_s / t_nx:.1f}x networkx cutoff, {table_s / t_nx_all:.1f}x networkx whole, "
        f"{table_s / t_sp:.0f}x scipy min_only, {table_s / t_sp_rows:.1f}x scipy rows",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-scale10", action="store_true")
    args = ap.parse_args()
    for label, db in [("demo (Gongshu)", "gridmap")] + (
        [] if args.skip_scale10 else [("scale 10", "gridmap_scale10")]
    ):
        _, engine = district(db)
        with Session(engine) as s:
            kinds = [r[0] for r in s.execute(text("SELECT code FROM facility_kinds ORDER BY code"))]
            print(f"\n== {label} ==")
            total, party = 0.0, 0.0
            print(f"full coverage table at {T:.0f} m (per compound, per community, totals):")
            for kind in kinds:
                dt, out = timed(lambda k=kind: coverage(s, k, T))
                total += dt
                party = dt if kind == "party_service_centre" else party
                t = out["totals"]
                print(
                    f"  {kind:22s} {dt * 1000:7.1f} ms  {out['facilities']:4d} sites  network "
                    f"{t['households_covered_pct']:5.1f} %  "
                    f"straight {t['straight_covered_pct']:5.1f} %"
                )
            print(f"  all {len(kinds)} kinds                {total * 1000:7.1f} ms")
            pt = s.execute(
                text(
                    "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM "
                    "compounds ORDER BY households DESC LIMIT 1) x"
                )
            ).one()
            base = coverage(s, "courier_post", T)
            site = [Site(pt[0], pt[1])]
            dt, d = timed(lambda b=base, x=site: add_sites_delta(s, b, x))
            print(
                f"scenario delta, one courier post added:    {dt * 1000:7.1f} ms "
                f"(+{d['delta_households']} households)"
            )
            t0 = time.perf_counter()
            refresh(s, "coverage_graph", REACH_M, force=True)
            t1 = time.perf_counter()
            refresh(s, "facility_walks", REACH_M)  # stale after the graph's rebuild
            t2 = time.perf_counter()
            refresh(s, "walking_areas", REACH_M)  # stale after the graph's rebuild
            t3 = time.perf_counter()
            rows = s.execute(
                text("SELECT (SELECT count(*) FROM coverage_reach), count(*) FROM facility_walks")
            ).one()
            print(
                f"rebuild of the stored graph and reach:   {t1 - t0:7.2f} s ({rows[0]:,} rows)\n"
                f"rebuild of the facilities' walks:        {t2 - t1:7.2f} s ({rows[1]:,} rows)\n"
                f"rebuild of the walking areas:            {t3 - t2:7.2f} s "
                f"(every facility at {', '.join(f'{t:.0f}' for t in OFFERED_M)} m)"
            )
            print("walking areas, party-mass centres (stored read vs network search):")
            kind = "party_service_centre"
            for t in OFFERED_M:
                d_read, fc = timed(lambda t=t, k=kind: walking_areas(s, k, t), 3)
                d_search, _ = timed(lambda t=t, k=kind: walking_areas(s, k, t, search=True), 3)
                print(
                    f"  {t:5.0f} m: read {d_read * 1000:7.1f} ms, search {d_search * 1000:7.1f} ms "
                    f"({len(fc['features'])} areas; {d_search / d_read:.0f}x)"
                )
            s.rollback()
            print("shortest paths alone, party-mass centres:")
            for line in shortest_paths(s, party):
                print(line)
        engine.dispose()


if __name__ == "__main__":
    main()
