"""Generated residential compounds' sizes, their buildings (楼幢) with lifts, and the stairwell
branches (楼道党支部) in them (issue #17). Schematic, like the compounds; metric (EPSG:4549).

Published figures (拱墅区) the demo reproduces, scaled by the number of compounds:
621 compound party organisations of 690 compounds and 2,359 stairwell branches; about 1,300
lifts added (加装电梯) to walk-ups and 2,200 renewed (更新) where buildings had lifts;
浙工新村, 548 households in 13 buildings (one representative per building), in 朝晖街道.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.demo import names
from data.demo.cells import split_large
from geo.accounts.accounts import add_account
from geo.residential.words import WALKUP_FLOORS

COMPOUNDS, COMPOUND_ORGS, STAIRWELL_BRANCHES = 690, 621, 2_359
LIFTS_ADDED, LIFTS_RENEWED = 1_300, 2_200
ZHEGONG = {"name": "浙工新村", "street_code": "330105016", "households": 548, "buildings": 13}
GRID_HOUSEHOLDS = 450  # a compound bigger than a grid's 500 households is cut into cells

# Per compound type: floors, units per building, households per floor per unit, years built,
# footprint depth (m) and the gap between rows (m, sunlight spacing).
KINDS = {
    "老旧小区": {"floors": (5, 8), "units": (2, 5), "per": 2, "year": (1978, 2000), "gap": 14},
    "商品房": {"floors": (11, 33), "units": (1, 3), "per": 3, "year": (2000, 2022), "gap": 26},
    "回迁安置": {"floors": (11, 19), "units": (2, 4), "per": 3, "year": (2005, 2021), "gap": 22},
}
UNIT_M, DEPTH_M = 14.0, 12.0


def size_compounds(cells: pd.DataFrame) -> pd.DataFrame:
    """Households of the compound cells at a realistic spread (no cap: old 新村 of a few hundred
    households, commercial high-rise compounds of thousands), 浙工新村 where its street is,
    and every compound over a grid's size cut into cells of at most GRID_HOUSEHOLDS so grids
    can split it. Adds compound_id (the cell the compound came from) and compound_name (set
    for 浙工新村 only). Drawn from a generator of its own."""
    rng = np.random.default_rng(zlib.crc32(f"compounds:{len(cells)}".encode()))
    is_comp = (cells["use"] == "compound").to_numpy()
    high = rng.lognormal(0.35, 0.55, len(cells))  # how high-rise a commercial compound is
    scale = np.where(cells["compound_type"] == "商品房", high, 1.0)
    hh = np.clip(cells["households"].to_numpy() * scale, 60, 4_000).round().astype(int)
    cells = cells.assign(households=np.where(is_comp, hh, cells["households"]))
    cells["compound_id"] = np.where(is_comp, cells.index, -1)
    cells["compound_name"] = None
    old = cells.index[
        is_comp
        & (cells["compound_type"] == "老旧小区").to_numpy()
        & (cells["street_code"] == ZHEGONG["street_code"]).to_numpy()
        & (cells["area"] >= 15_000).to_numpy()
    ]
    if len(old):
        pick = (cells.loc[old, "households"] - ZHEGONG["households"]).abs().idxmin()
        cells.loc[pick, ["households", "compound_name"]] = [ZHEGONG["households"], ZHEGONG["name"]]
    big = cells.index[is_comp & (cells["households"] > GRID_HOUSEHOLDS).to_numpy()]
    pieces = []
    for i in big:
        r = cells.loc[i]
        k = math.ceil(r["households"] / GRID_HOUSEHOLDS)
        parts = split_large(np.array([r["geom"]], dtype=object), r["area"] / k)
        inner = shapely.point_on_surface(parts)
        piece = pd.DataFrame([r] * len(parts), index=[i] * len(parts))
        piece["geom"] = parts
        piece["area"] = shapely.area(parts)
        piece["households"] = _apportion(int(r["households"]), piece["area"].to_numpy())
        piece["x"], piece["y"] = shapely.get_x(inner), shapely.get_y(inner)
        pieces.append(piece)
    out = pd.concat([cells.drop(big), *pieces]).sort_index(kind="stable").reset_index(drop=True)
    out["households"] = out["households"].astype(int)
    return out


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """total split by weights into whole numbers that sum to total (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(int)
    out[np.argsort(-(raw - out), kind="stable")[: total - out.sum()]] += 1
    return out


def _slots(poly: object, length: float, depth: float, gap: float) -> list[object]:
    """Slab footprints in rows along the compound's long axis, each inside the polygon."""
    rect = shapely.minimum_rotated_rectangle(poly)
    xy = np.asarray(rect.exterior.coords)[:3]
    edges = np.diff(xy, axis=0)
    long = edges[np.argmax(np.hypot(edges[:, 0], edges[:, 1]))]
    angle = math.degrees(math.atan2(long[1], long[0]))
    c = shapely.centroid(poly)
    flat = shapely.affinity.rotate(poly, -angle, origin=c)
    room = shapely.buffer(flat, -3.0)
    if room.is_empty:
        return []
    shapely.prepare(room)
    x0, y0, x1, y1 = room.bounds
    xs = np.arange(x0, x1 - length + 1e-9, length + 8.0)
    ys = np.arange(y0, y1 - depth + 1e-9, depth + gap)
    if not len(xs) or not len(ys):
        return []
    gx, gy = np.meshgrid(xs, ys)
    boxes = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + length, gy.ravel() + depth)
    inside = boxes[shapely.contains(room, boxes)]
    return [shapely.affinity.rotate(b, angle, origin=c) for b in inside]


def build_residential_buildings(comp: pd.DataFrame, inner: np.ndarray) -> pd.DataFrame:
    """Buildings inside each compound (`inner`: the compounds' metric polygons), households
    summing to the compound's; columns as the residential_buildings table plus geom (metric).
    Lifts are set afterwards (lifts())."""
    rng = np.random.default_rng(zlib.crc32("".join(comp["code"]).encode()) ^ 0x5EED)
    rows: list[dict[str, object]] = []
    for r, poly in zip(comp.itertuples(), inner, strict=True):
        k = KINDS[r.compound_type]
        floors = int(rng.integers(*k["floors"]))
        units = int(rng.integers(*k["units"]))
        want = max(1, round(r.households / (floors * units * k["per"])))
        if r.name == ZHEGONG["name"]:
            want = ZHEGONG["buildings"]
        slots: list[object] = []
        for shrink in (1.0, 0.8, 0.65, 0.5):
            slots = _slots(poly, units * UNIT_M * shrink, DEPTH_M * shrink, k["gap"] * shrink)
            if len(slots) >= want:
                break
        if not slots:  # a narrow compound: one-unit slabs, else one building at its inner point
            slots = _slots(poly, UNIT_M, DEPTH_M * 0.8, k["gap"] * 0.5)
        if not slots:
            core = shapely.buffer(poly, -1.0)
            core = core if not core.is_empty else poly
            p = shapely.point_on_surface(core)
            slots = [shapely.intersection(core, shapely.buffer(p, 8.0, quad_segs=1))]
        n = min(want, len(slots), max(1, int(r.households)))
        picks = np.linspace(0, len(slots) - 1, n).round().astype(int)
        fl = rng.integers(*k["floors"], size=n)
        un = rng.integers(*k["units"], size=n)
        hh = _apportion(int(r.households), fl * un)
        if r.name == ZHEGONG["name"] and n == ZHEGONG["buildings"]:
            # its work group 二组 served two buildings of 80 households (4幢 and 5幢 here)
            hh = np.concatenate([hh[:3], [40, 40], hh[5:]])
            hh[[0, 1, 2, *range(5, n)]] = _apportion(
                int(r.households) - 80, (fl * un)[[0, 1, 2, *range(5, n)]]
            )
        years = rng.integers(*k["year"], size=n)
        for i in range(n):
            rows.append(
                {
                    "code": f"{r.code}LZ{i + 1:03d}",
                    "name": f"{i + 1}幢",
                    "compound_code": r.code,
                    "units": int(un[i]),
                    "floors": int(fl[i]),
                    "households": int(hh[i]),
                    "year_built": int(years[i]),
                    "geom": slots[picks[i]],
                }
            )
    out = pd.DataFrame(rows)
    _lifts(out, comp, rng)
    return out


def _whole(order: np.ndarray, lifts: np.ndarray, target: int) -> list[int]:
    """Buildings taken in `order`, each with all its lifts, until their lifts make `target`
    (a building that would run over is passed by; the total is exact when the buildings allow)."""
    chosen, left = [], target
    for i in order:
        if 0 < lifts[i] <= left:
            chosen.append(int(i))
            left -= int(lifts[i])
            if left == 0:
                break
    return chosen


def _lifts(b: pd.DataFrame, comp: pd.DataFrame, rng: np.random.Generator) -> None:
    """Lifts as the building code and the seeds have them: every building of WALKUP_FLOORS
    floors or more was built with lifts (原有, GB 50096: one per unit, two from 12 floors);
    LIFTS_RENEWED of those renewed (更新), the oldest buildings first; LIFTS_ADDED added (加装)
    to walk-ups of 4–6 floors, in old compounds first, one per unit. Both scaled by the number
    of compounds; a building's lifts are renewed or added all together."""
    k = len(comp) / COMPOUNDS
    old = set(comp.loc[comp["compound_type"] == "老旧小区", "code"])
    b["elevator"], b["elevators"], b["elevator_date"] = "无", 0, None
    floors, units = b["floors"].to_numpy(), b["units"].to_numpy()
    tall = floors >= WALKUP_FLOORS
    lifts = np.where(tall, units * np.where(floors >= 12, 2, 1), 0)
    b.loc[tall, "elevator"] = "原有"
    b.loc[tall, "elevators"] = lifts[tall]
    # renewals: of the buildings with lifts, the oldest first (ties at random)
    with_lifts = np.flatnonzero(tall)
    age = b["year_built"].to_numpy()[with_lifts] + rng.random(len(with_lifts))
    renewed = _whole(with_lifts[np.argsort(age)], lifts, round(LIFTS_RENEWED * k))
    # additions: walk-ups of 4-6 floors, those of old compounds first
    walkup = np.flatnonzero((floors >= 4) & (floors < WALKUP_FLOORS))
    in_old = b["compound_code"].to_numpy()[walkup].astype(object)
    first = np.array([c in old for c in in_old], dtype=bool)
    order = np.concatenate([rng.permutation(walkup[first]), rng.permutation(walkup[~first])])
    added = _whole(order, units, round(LIFTS_ADDED * k))
    for state, picked, since in (("更新", renewed, "2019-06-01"), ("加装", added, "2018-01-01")):
        for i in picked:
            day = pd.Timestamp(since) + pd.Timedelta(days=int(rng.integers(0, 7 * 365)))
            n = int(lifts[i]) if state == "更新" else int(units[i])
            b.loc[b.index[i], ["elevator", "elevators", "elevator_date"]] = [state, n, day.date()]


def stairwell_branches(
    buildings: pd.DataFrame, compounds: pd.DataFrame, rng: np.random.Generator
) -> tuple[set[str], list[dict[str, object]]]:
    """Which compounds have a party branch (COMPOUND_ORGS of COMPOUNDS, the largest), and
    the stairwell branches: STAIRWELL_BRANCHES per COMPOUND_ORGS branches, one per building,
    in the buildings of those compounds drawn by their households."""
    n_orgs = round(len(compounds) * COMPOUND_ORGS / COMPOUNDS)
    by_size = compounds.sort_values(["households", "code"], ascending=[False, True])
    with_branch = set(by_size["code"].iloc[:n_orgs])
    pool = buildings[buildings["compound_code"].isin(with_branch)]
    n = min(len(pool), round(n_orgs * STAIRWELL_BRANCHES / COMPOUND_ORGS))
    w = pool["households"].to_numpy(dtype=float) + 1.0
    chosen = pool.iloc[np.sort(rng.choice(len(pool), size=n, replace=False, p=w / w.sum()))]
    names = compounds.set_index("code")["name"]
    return with_branch, [
        {
            "code": f"LDZB{r.code}",
            "name": f"{names[r.compound_code]}{r.name}楼道党支部",
            "kind": "stairwell_branch",
            "parent_code": f"DZB{r.compound_code}",
            "area_kind": "residential_building",
            "area_code": r.code,
        }
        for r in chosen.itertuples()
    ]


PER_COMMISSIONER = 3  # 一小区一专员: a commissioner serves a few neighbouring compounds


def add_compound_commissioners(session: Session, rng: np.random.Generator) -> int:
    """A commissioner (小区专员) for every compound, in runs of up to PER_COMMISSIONER
    compounds of one community: the demo's `compound` account takes the run holding its
    compound; the others (xqzy001 …) sign in through the identity service only. Returns how
    many commissioners serve."""
    rows = session.execute(
        text("SELECT code, community_code FROM compounds ORDER BY community_code, code")
    ).all()
    per: dict[str, list[str]] = {}
    for code, community in rows:
        per.setdefault(community, []).append(code)
    runs = [
        codes[i : i + PER_COMMISSIONER]
        for codes in per.values()
        for i in range(0, len(codes), PER_COMMISSIONER)
    ]
    demo = session.execute(
        text(
            "SELECT a.id, r.code FROM accounts a JOIN account_areas r ON r.account_id = a.id "
            "WHERE a.username = 'compound' AND r.kind = 'compound'"
        )
    ).first()
    for i, run in enumerate(runs, start=1):
        if demo is not None and demo.code in run:
            who = demo.id
            for code in run:
                session.execute(
                    text(
                        "INSERT INTO account_areas (account_id, kind, code) "
                        "VALUES (:a, 'compound', :c) ON CONFLICT DO NOTHING"
                    ),
                    {"a": who, "c": code},
                )
        else:
            username = f"xqzy{i:03d}"
            who = session.execute(
                text("SELECT id FROM accounts WHERE username = :u"), {"u": username}
            ).scalar()  # a database rebuilt with its accounts kept
            if who is None:
                who = add_account(
                    session,
                    username,
                    "compound_commissioner",
                    run,
                    None,
                    display_name=f"{names.person(rng)}（小区专员）",
                    must_change=False,
                )
        session.execute(
            text("UPDATE compounds SET commissioner_id = :a WHERE code = ANY(:codes)"),
            {"a": who, "codes": run},
        )
    return len(runs)
