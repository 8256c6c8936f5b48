"""Real Gongshu data from ../shared (skipped with a reason where it is absent)."""

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.upsert import load_layer
from tests.fixtures import SETTINGS


def dead_ends_on_qingchun_road(real: Path) -> gpd.GeoSeries:
    """Dead-end OSM road endpoints along the old 上城|下城 border (庆春路 stretch)."""
    roads = gpd.read_file(real / "hangzhou_central_roads_osm_wgs84.geojson")
    degree = pd.concat([roads.u_osm, roads.v_osm]).value_counts()
    pts = [
        shapely.get_point(r.geometry, i)
        for r in roads.itertuples()
        for node, i in ((r.u_osm, 0), (r.v_osm, -1))
        if degree[node] == 1
    ]
    pts = gpd.GeoSeries(pts, crs=4326)
    box = (pts.x > 120.157) & (pts.x < 120.188) & (pts.y > 30.255) & (pts.y < 30.265)
    return pts[box].to_crs(4549)


def stored_boundary(session: Session) -> shapely.Geometry:
    wkt = session.execute(
        text("SELECT ST_AsText(ST_Boundary(geom)) FROM districts WHERE code='330105'")
    ).scalar()
    return gpd.GeoSeries([shapely.from_wkt(wkt)], crs=4326).to_crs(4549).iloc[0]


def test_gcj02_district_loaded_with_crs_gcj02_lines_up_with_osm_roads(
    session: Session, shared_real: Path
) -> None:
    src = shared_real / "gongshu_district_gcj02.geojson"
    ends = dead_ends_on_qingchun_road(shared_real)

    load_layer(session, SETTINGS, "districts", src)  # trusting the file's EPSG:4326 claim: wrong
    raw = ends.distance(stored_boundary(session))
    load_layer(session, SETTINGS, "districts", src, crs="gcj02")
    converted = ends.distance(stored_boundary(session))

    assert (raw < 50).sum() == 0
    assert raw.min() > 90  # ~450 m east / 255 m south of the truth
    assert (converted < 50).sum() >= 8  # streets that end at the district border do end there
    assert converted.median() < raw.median() / 2


def test_gcj02_file_converted_matches_the_published_wgs84_file(
    session: Session, shared_real: Path
) -> None:
    load_layer(
        session, SETTINGS, "districts", shared_real / "gongshu_district_gcj02.geojson", crs="gcj02"
    )
    ours = gpd.GeoSeries(
        [
            shapely.from_wkt(
                session.execute(
                    text("SELECT ST_AsText(geom) FROM districts WHERE code='330105'")
                ).scalar()
            )
        ],
        crs=4326,
    ).to_crs(4549)
    theirs = gpd.read_file(shared_real / "gongshu_district_wgs84.geojson").to_crs(4549)
    assert ours.iloc[0].hausdorff_distance(theirs.geometry.iloc[0]) < 1.0
