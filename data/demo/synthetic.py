"""A synthetic city K times the demo district: a jittered road lattice and its blocks.

Same density as central Gongshu (block sides 80–300 m), placed north-east of Hangzhou
so it never overlaps the demo. Metric work in EPSG:4549.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from data.demo.cells import bisect
from geo.vocabulary import METRIC_SRID

DEMO_AREA_M2 = 66.6e6  # the demo district's road-bounded area
ORIGIN_LONLAT = (120.30, 30.42)
COUNTY_CODE = "339001"  # not a real county: marks synthetic data


def synthetic_roads(scale: int, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    side = float(np.sqrt(scale * DEMO_AREA_M2))
    x0, y0 = Transformer.from_crs(4326, METRIC_SRID, always_xy=True).transform(*ORIGIN_LONLAT)

    def axis() -> np.ndarray:
        steps = rng.uniform(80, 300, size=int(side / 80) + 2)
        pos = np.concatenate([[0.0], np.cumsum(steps)])
        return pos[pos <= side]

    xs, ys = axis(), axis()
    nx, ny = len(xs), len(ys)
    gx = x0 + xs[:, None] + rng.uniform(-25, 25, size=(nx, ny))
    gy = y0 + ys[None, :] + rng.uniform(-25, 25, size=(nx, ny))
    node = np.arange(nx * ny).reshape(nx, ny)
    u, v = [], []
    u.append(node[:-1, :].ravel()), v.append(node[1:, :].ravel())
    u.append(node[:, :-1].ravel()), v.append(node[:, 1:].ravel())
    uu, vv = np.concatenate(u), np.concatenate(v)
    # Drop some interior edges: superblocks, canals and gated compounds break the lattice.
    border = lambda n: (n // ny == 0) | (n // ny == nx - 1) | (n % ny == 0) | (n % ny == ny - 1)  # noqa: E731
    drop = (rng.random(len(uu)) < 0.08) & ~(border(uu) & border(vv))
    uu, vv = uu[~drop], vv[~drop]
    fx, fy = gx.ravel(), gy.ravel()
    lines = shapely.linestrings(
        np.stack([np.stack([fx[uu], fy[uu]], 1), np.stack([fx[vv], fy[vv]], 1)], 1)
    )
    return gpd.GeoDataFrame(
        {
            "seg_id": np.arange(len(uu)),
            "name": [f"示意路{i % 997 + 1}" for i in range(len(uu))],
            "u_osm": uu,
            "v_osm": vv,
            "length_m": shapely.length(lines),
        },
        geometry=lines,
        crs=METRIC_SRID,
    )


def synthetic_blocks(roads: gpd.GeoDataFrame, scale: int) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Blocks of the lattice grouped into 18×K streets (codes 339001001…)."""
    faces = shapely.get_parts(shapely.polygonize(roads.geometry.values))
    c = shapely.point_on_surface(faces)
    n_streets = 18 * scale
    labels = bisect(shapely.get_x(c), shapely.get_y(c), shapely.area(faces), n_streets)
    codes = np.array([f"{COUNTY_CODE}{i + 1:03d}" for i in range(n_streets)])
    blocks = gpd.GeoDataFrame(
        {"street_code": codes[labels], "schematic": True}, geometry=faces, crs=METRIC_SRID
    )
    streets = pd.DataFrame(
        {"code": codes, "name": [f"示意第{i + 1}街道" for i in range(n_streets)]}
    )
    return blocks, streets
