"""Deterministic district generator: from road-bounded blocks to the whole governance model.

Input: blocks (EPSG:4549, with `street_code`) and the streets table. Output: one
GeoDataFrame (EPSG:4326) per table. The same code builds the Gongshu demo (real OSM
blocks, real street codes) and `gridmap generate --scale K` (a synthetic road lattice).
Every generated geometry is schematic (示意). The hierarchy is built bottom-up from
cells, so grids tile their community exactly and community/street come from the grid.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.demo import names
from data.demo.cells import bisect, bisect_capped, split_large
from data.demo.residential import size_compounds
from data.demo.services import build_facilities, build_party_orgs, build_workers
from data.demo.shapes import fill_slivers, frame
from data.demo.targets import Targets
from data.demo.zones import build_zones
from geo.vocabulary import METRIC_SRID

CELL_MAX_M2 = 40_000.0
GRID_HOUSEHOLDS = 450  # grids are cut to 300–500 households
LAND_WEIGHT = 0.002  # households-equivalent per m² of land, keeps partitions compact


def build_cells(blocks: gpd.GeoDataFrame, rng: np.random.Generator, t: Targets) -> pd.DataFrame:
    """Split blocks into cells and give each a land use and households."""
    rows = []
    for street, grp in blocks.groupby("street_code", sort=True):
        for g in split_large(grp.geometry.values, CELL_MAX_M2):
            rows.append((street, g))
    cells = pd.DataFrame(rows, columns=["street_code", "geom"])
    cells = cells[~shapely.is_empty(cells["geom"].values)].reset_index(drop=True)
    geom = cells["geom"].values
    cells["area"] = shapely.area(geom)
    c = shapely.point_on_surface(geom)
    cells["x"], cells["y"] = shapely.get_x(c), shapely.get_y(c)
    cells["use"] = "other"
    cells["households"] = 0

    free = cells.index[(cells["area"] >= 5_000) & (cells["area"] <= CELL_MAX_M2)].to_numpy()
    n_comp = min(t.compounds, len(free) * 2 // 3)
    comp = rng.choice(free, size=n_comp, replace=False)
    cells.loc[comp, "use"] = "compound"

    left = cells.index[(cells["use"] == "other") & (cells["area"] >= 8_000)].to_numpy()
    w = 1.0 / cells.loc[left, "area"].to_numpy()  # small blocks = the dense core
    seeds = rng.choice(
        left, size=min(t.business_communities, len(left)), replace=False, p=w / w.sum()
    )
    cells.loc[seeds, "use"] = "business"
    cells["bc"] = -1
    cells.loc[seeds, "bc"] = np.arange(len(seeds))
    tree = shapely.STRtree(geom)
    for b, s in enumerate(seeds):
        area, queue = cells.at[s, "area"], [s]
        while queue and area < 150_000:  # grow over touching free cells of the same street
            for j in tree.query(geom[queue.pop(0)], predicate="touches"):
                if area >= 150_000:
                    break
                if (
                    cells.at[j, "use"] == "other"
                    and cells.at[j, "street_code"] == cells.at[s, "street_code"]
                ):
                    cells.loc[j, ["use", "bc"]] = ["business", b]
                    area += cells.at[j, "area"]
                    queue.append(j)

    rest = cells.index[(cells["use"] == "other") & (cells["area"] >= 4_000)].to_numpy()
    blocks_open = rng.choice(rest, size=int(len(rest) * 0.3), replace=False)
    cells.loc[blocks_open, "use"] = "open_block"

    kinds = rng.choice(list(names.COMPOUND_SUFFIX), size=len(cells), p=[0.45, 0.45, 0.10])
    cells["compound_type"] = np.where(cells["use"] == "compound", kinds, None)
    density = {"老旧小区": 0.016, "商品房": 0.011, "回迁安置": 0.013}
    noise = rng.lognormal(0.0, 0.3, size=len(cells))
    is_comp = cells["use"] == "compound"
    dens = cells["compound_type"].map(density).fillna(0.0).to_numpy()
    cells.loc[is_comp, "households"] = (
        np.clip(cells["area"] * dens * noise, 60, None)[is_comp].round().astype(int)
    )
    is_ob = cells["use"] == "open_block"
    cells.loc[is_ob, "households"] = (
        np.clip(cells["area"] * 0.006 * noise, 30, 300)[is_ob].round().astype(int)
    )
    return size_compounds(cells)


def partition(cells: pd.DataFrame, t: Targets) -> pd.DataFrame:
    """Communities per street (~t.communities in all), then grids of 300–500 households."""
    w = cells["households"].to_numpy() + cells["area"].to_numpy() * LAND_WEIGHT
    total = w.sum()
    cells["community_no"] = 0
    cells["grid_no"] = 0
    for _, idx in cells.groupby("street_code").groups.items():
        idx = np.asarray(idx)
        k = max(1, round(t.communities * w[idx].sum() / total))
        cells.loc[idx, "community_no"] = (
            bisect(cells.x.values[idx], cells.y.values[idx], w[idx], k) + 1
        )
    for _, idx in cells.groupby(["street_code", "community_no"]).groups.items():
        idx = np.asarray(idx)
        hh = cells["households"].to_numpy(dtype=float)[idx]
        cells.loc[idx, "grid_no"] = (
            bisect_capped(
                cells.x.values[idx],
                cells.y.values[idx],
                hh + 1e-3 * w[idx],
                hh,
                500,
                GRID_HOUSEHOLDS,
            )
            + 1
        )
    return cells


def generate_city(
    blocks: gpd.GeoDataFrame,
    streets: pd.DataFrame,
    seed: int,
    targets: Targets,
    kind_names: dict[str, str],
) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """The whole district as tables. `streets` has columns code, name; kind_names are the
    facility kinds' Chinese names (the facility_kinds table)."""
    rng = np.random.default_rng(seed)
    pool = names.NamePool(rng)
    cells = partition(build_cells(blocks.to_crs(METRIC_SRID), rng, targets), targets)
    cells["community_code"] = cells["street_code"] + cells["community_no"].map("{:03d}".format)
    cells["grid_code"] = cells["community_code"] + cells["grid_no"].map("{:03d}".format)
    geom = cells["geom"].values

    def dissolve(key: str) -> pd.DataFrame:
        g = cells.groupby(key, sort=True)
        return pd.DataFrame(
            {
                "code": list(g.groups),
                "geom": [
                    fill_slivers(shapely.union_all(geom[np.asarray(i)])) for i in g.groups.values()
                ],
                "households": g["households"].sum().to_numpy(),
            }
        )

    comm = dissolve("community_code")
    comm["street_code"] = comm["code"].str[:9]
    comm["short"] = [pool.take() for _ in range(len(comm))]
    comm["name"] = comm["short"] + "社区"
    grid = dissolve("grid_code")
    grid["community_code"] = grid["code"].str[:12]
    short = comm.set_index("code")["short"]
    grid["name"] = [
        f"{short[c]}社区第{names.chinese_number(int(g[-3:]))}网格"
        for c, g in zip(grid["community_code"], grid["code"], strict=True)
    ]
    street = dissolve("street_code").merge(streets[["code", "name"]], on="code")

    out: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {
        "streets": frame(street[["code", "name"]].assign(schematic=True), street["geom"].values),
        "communities": frame(
            comm[["code", "name", "street_code"]].assign(schematic=True), comm["geom"].values
        ),
        "grids": frame(
            grid[["code", "name", "community_code", "households"]].assign(schematic=True),
            grid["geom"].values,
        ),
    }
    out.update(build_zones(cells, rng, pool, targets.buildings))
    out["party_orgs"] = build_party_orgs(out, rng)
    out["workers"] = build_workers(out["grids"], rng)
    out["facilities"] = build_facilities(cells, out, rng, targets, kind_names)
    out["cells"] = cells  # metric working cells, for generating cases in the same places
    return out
