"""Vector tiles (issue #19): every registry layer as Mapbox Vector Tiles read back by GDAL's MVT
driver with the layer's attributes, the ETag revalidation, zoom ranges and access."""

from __future__ import annotations

import math
from pathlib import Path

import pyogrio
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import keyed
from tests.fixtures import SETTINGS


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.mark.demo
def test_tiles_carry_the_layers_features_and_revalidate(demo_url: str, tmp_path: Path) -> None:
    from webmap import create_app

    app = create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS})
    c = keyed(app, SETTINGS.demo_key)
    z = 14
    x, y = tile_of(120.15, 30.30, z)
    r = c.get(f"/tiles/grids/{z}/{x}/{y}.mvt")
    assert r.status_code == 200 and r.mimetype == "application/vnd.mapbox-vector-tile"
    f = tmp_path / str(z) / str(x) / f"{y}.pbf"
    f.parent.mkdir(parents=True)
    f.write_bytes(r.data)
    gdf = pyogrio.read_dataframe(f, layer="grids")
    engine = create_engine(demo_url)
    with engine.connect() as k:
        inside, near = k.execute(
            text(
                "SELECT count(*) FILTER (WHERE ST_Intersects(g, ST_TileEnvelope(:z, :x, :y))), "
                "count(*) FROM (SELECT ST_Transform(geom, 3857) AS g FROM grids) s "
                "WHERE ST_Intersects(g, ST_TileEnvelope(:z, :x, :y, margin => 64.0 / 4096))"
            ),
            {"z": z, "x": x, "y": y},
        ).one()
    engine.dispose()
    # every grid that meets the tile; of those only in its buffer, the ones wider than a pixel
    assert 0 < inside <= len(gdf) <= near
    assert {"code", "name", "households", "worker"} <= set(gdf.columns)
    assert gdf["name"].str.endswith("网格").all()  # Chinese attributes intact
    again = c.get(f"/tiles/grids/{z}/{x}/{y}.mvt", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == r.headers["ETag"]
    assert "no-cache" in r.headers["Cache-Control"]
    assert c.get(f"/tiles/buildings/10/{x >> 4}/{y >> 4}.mvt").status_code == 204  # below 14
    assert c.get("/tiles/grids/21/0/0.mvt").status_code == 400
    assert c.get("/tiles/grids/3/9/0.mvt").status_code == 400
    assert c.get("/tiles/nothing/1/0/0.mvt").status_code == 404
    tj = c.get("/tiles/roads.json").get_json()
    assert tj["tilejson"] == "3.0.0" and tj["minzoom"] == 13
    assert tj["tiles"][0].endswith("/tiles/roads/{z}/{x}/{y}.mvt")
    assert app.test_client().get(f"/tiles/grids/{z}/{x}/{y}.mvt").status_code == 401
