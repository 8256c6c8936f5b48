"""Build the shipped demo extract (data/demo/gongshu.gpkg.gz) from ../shared/data/real.

Run by a developer, not at run time: `python -m data.demo.extract [SHARED_REAL_DIR]`.

What ships is derived from OpenStreetMap only (ODbL): the road segments around the
district and road-bounded blocks from polygonising them. The Amap/DataV outlines
(not openly licensed) are used only as masks: the district outline selects which
blocks are in the district, the pre-2021 split selects which of the two former
districts a block belongs to. No outline vertex is copied into the extract.
"""

from __future__ import annotations

import gzip
import shutil
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.vocabulary import METRIC_SRID

OUT = Path(__file__).resolve().parent / "demo"
SLIVER_M2 = 3000.0  # faces smaller than this are road medians and junction islands

# Approximate centres of the 18 streets (WGS84), used as Voronoi seeds within the
# former district each street belongs to. The resulting street areas are schematic.
STREET_SEEDS = {
    "330105001": (120.158, 30.289),
    "330105002": (120.146, 30.293),
    "330105003": (120.139, 30.306),
    "330105004": (120.124, 30.305),
    "330105005": (120.141, 30.322),
    "330105007": (120.158, 30.308),
    "330105008": (120.160, 30.326),
    "330105009": (120.113, 30.326),
    "330105010": (120.150, 30.348),
    "330105011": (120.181, 30.343),
    "330105012": (120.170, 30.267),
    "330105013": (120.160, 30.271),
    "330105014": (120.153, 30.279),
    "330105015": (120.181, 30.268),
    "330105016": (120.170, 30.284),
    "330105017": (120.180, 30.292),
    "330105018": (120.181, 30.306),
    "330105019": (120.198, 30.321),
}


def polygonise_blocks(lines: np.ndarray) -> np.ndarray:
    """Faces of the noded road network, small slivers merged into their longest-border neighbour."""
    noded = shapely.union_all(lines)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    area = shapely.area(faces)
    order = np.argsort(area)
    parent = np.arange(len(faces))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return int(i)

    tree = shapely.STRtree(faces)
    bounds = shapely.boundary(faces)
    for i in order:
        if area[i] >= SLIVER_M2:
            break
        cand = tree.query(faces[i], predicate="intersects")
        cand = cand[cand != i]
        if len(cand) == 0:
            continue
        shared = shapely.length(shapely.intersection(bounds[i], bounds[cand]))
        best = cand[np.argmax(shared)]
        if shared.max() <= 0:
            continue
        parent[find(int(i))] = find(int(best))
    roots = np.array([find(i) for i in range(len(faces))])
    groups = pd.Series(np.arange(len(faces))).groupby(roots)
    merged = [shapely.union_all(faces[idx.values]) for _, idx in groups]
    return np.array([shapely.make_valid(g) for g in merged], dtype=object)


def build(real: Path) -> Path:
    roads = gpd.read_file(real / "hangzhou_central_roads_osm_wgs84.geojson").to_crs(METRIC_SRID)
    district = gpd.read_file(real / "gongshu_district_wgs84.geojson").to_crs(METRIC_SRID)
    parts = gpd.read_file(real / "gongshu_pre2021_parts_wgs84.geojson").to_crs(METRIC_SRID)
    codes = pd.read_csv(real / "gongshu_streets_codes.csv", dtype=str)
    mask = district.geometry.iloc[0]

    near = roads[roads.intersects(mask.buffer(1500))].copy()
    blocks = polygonise_blocks(near.geometry.values)
    cent = shapely.point_on_surface(blocks)
    keep = shapely.contains(mask, cent)
    blocks, cent = blocks[keep], cent[keep]

    # Former district of each block, then the nearest seed among that district's streets.
    old_gongshu = parts.loc[parts["adcode"].astype(str) == "330105"].geometry.iloc[0]
    in_old_gongshu = shapely.contains(old_gongshu, cent)
    seeds = gpd.GeoSeries(
        gpd.points_from_xy(
            [v[0] for v in STREET_SEEDS.values()], [v[1] for v in STREET_SEEDS.values()]
        ),
        crs=4326,
    ).to_crs(METRIC_SRID)
    seed_codes = np.array(list(STREET_SEEDS))
    former = np.asarray(
        codes.set_index("street_code_9")["former_district_pre2021"].reindex(seed_codes),
        dtype=object,
    )
    sx, sy = seeds.x.values, seeds.y.values
    bx, by = shapely.get_x(cent), shapely.get_y(cent)
    d2 = (bx[:, None] - sx[None, :]) ** 2 + (by[:, None] - sy[None, :]) ** 2
    allowed = np.where(
        in_old_gongshu[:, None], former[None, :] == "拱墅区", former[None, :] == "下城区"
    )
    d2[~allowed] = np.inf
    street = seed_codes[np.argmin(d2, axis=1)]

    blocks_gdf = gpd.GeoDataFrame(
        {"block_id": np.arange(len(blocks)), "street_code": street, "schematic": True},
        geometry=gpd.GeoSeries(blocks, crs=METRIC_SRID),
    ).to_crs(4326)
    blocks_gdf["geometry"] = blocks_gdf.geometry.set_precision(1e-7)
    blocks_gdf = blocks_gdf[~blocks_gdf.geometry.is_empty]

    road_cols = ["seg_id", "name", "u_osm", "v_osm", "length_m"]
    roads_gdf = near[road_cols + ["geometry"]].to_crs(4326)

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        gpkg = Path(tmp) / "gongshu.gpkg"
        roads_gdf.to_file(gpkg, layer="roads", driver="GPKG")
        blocks_gdf.to_file(gpkg, layer="blocks", driver="GPKG")
        target = OUT / "gongshu.gpkg.gz"
        with gpkg.open("rb") as src, gzip.GzipFile(target, "wb", 9, mtime=0) as dst:
            shutil.copyfileobj(src, dst)
    codes[["street_code_9", "name", "short_name", "pinyin", "former_district_pre2021"]].to_csv(
        OUT / "gongshu_streets.csv", index=False
    )
    print(
        f"blocks: {len(blocks_gdf)}, roads: {len(roads_gdf)}, -> {target} "
        f"({target.stat().st_size / 1e6:.1f} MB)"
    )
    return target


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
