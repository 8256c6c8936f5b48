"""Generated tables as GeoDataFrames: metric geometry in, clean WGS84 MultiPolygons out."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.vocabulary import METRIC_SRID


def polygons(g: object) -> list[object]:
    """Every polygon in g, however deeply collections nest them."""
    out: list[object] = []
    for part in shapely.get_parts(g):
        if part.geom_type == "Polygon":
            if part.area > 0:
                out.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(polygons(part))
    return out


def fill_slivers(g: object, min_m2: float = 1.0) -> object:
    """Drop holes under min_m2 (metric): seams between cells that do not quite meet. Left in,
    they cross the outer ring after reprojection and make_valid turns whole cells into holes."""
    polys = [
        shapely.Polygon(p.exterior, [r for r in p.interiors if shapely.Polygon(r).area >= min_m2])
        for p in polygons(g)
    ]
    return shapely.union_all(polys) if len(polys) > 1 else (polys[0] if polys else g)


def multi(geoms: np.ndarray) -> np.ndarray:
    return np.asarray(
        [shapely.multipolygons(polygons(g)) for g in shapely.make_valid(geoms)], dtype=object
    )


def frame(df: pd.DataFrame, geoms: np.ndarray) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(df.reset_index(drop=True), geometry=list(geoms), crs=METRIC_SRID)
    gdf = gdf.to_crs(4326)
    if gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        gdf["geometry"] = multi(gdf.geometry.values)
    return gdf
