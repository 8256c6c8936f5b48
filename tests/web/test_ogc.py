"""OGC API – Features (issue #19) read by the clients GIS staff use: GDAL's OAPIF driver
(pyogrio's GDAL) and OWSLib, against the app serving the demo; paging, CRS, filters, access."""

from __future__ import annotations

import multiprocessing
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from layers.frames import layer_params
from layers.registry import LAYERS
from tests.conftest import keyed
from tests.fixtures import SETTINGS

KEY = {"X-API-Key": SETTINGS.demo_key}
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


def _serve(demo_url: str, port: int) -> None:
    from webmap import create_app

    app = create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS})
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


@pytest.fixture(scope="module")
def ogc(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in a process of its own (GDAL holds the GIL while it reads, so a server thread
    of this process would never answer), on a free port. GDAL sends the demo key from a header
    file, as a GIS user would configure it (its OAPIF driver sets a header of its own, which
    GDAL_HTTP_HEADERS would not join)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(demo_url, port), daemon=True
    )
    proc.start()
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the OGC test server did not start"
            time.sleep(0.2)
    headers = tmp_path_factory.mktemp("gdal") / "headers.txt"
    headers.write_text(f"X-API-Key: {SETTINGS.demo_key}\n", encoding="utf-8")
    pyogrio.set_gdal_config_options({"GDAL_HTTP_HEADER_FILE": str(headers)})
    try:
        yield f"http://127.0.0.1:{port}/ogc"
    finally:
        pyogrio.set_gdal_config_options({"GDAL_HTTP_HEADER_FILE": None})
        proc.terminate()
        proc.join(10)


def layer_count(demo_url: str, key: str) -> int:
    """What the database holds for a layer, as its registry SQL selects it for the admin."""
    spec = LAYERS[key]
    engine = create_engine(demo_url)
    with engine.connect() as c:
        n = c.execute(
            text(f"SELECT count(*) FROM ({spec.sql.strip().rstrip(';')}\n) f"),  # noqa: S608
            layer_params(None),
        ).scalar_one()
    engine.dispose()
    return int(n)


@pytest.mark.demo
def test_gdal_lists_every_collection_and_copies_each_whole(
    ogc: str, demo_url: str, tmp_path: Path
) -> None:
    listed = {name for name, _ in pyogrio.list_layers(f"OAPIF:{ogc}")}
    wanted = {k for k, s in LAYERS.items() if not s.computed}
    assert listed == wanted
    for key in sorted(wanted):
        gdf = pyogrio.read_dataframe(f"OAPIF:{ogc}", layer=key)
        out = tmp_path / f"{key}.gpkg"
        pyogrio.write_dataframe(gdf, out, layer=key)  # what ogr2ogr does: every page, one file
        copied = pyogrio.read_info(out, layer=key)["features"]
        assert copied == layer_count(demo_url, key), key
    streets = pyogrio.read_dataframe(tmp_path / "streets.gpkg")
    assert "拱宸桥街道" in set(streets["name"])  # Chinese names intact


@pytest.mark.demo
def test_owslib_reads_collections_and_pages(ogc: str) -> None:
    from owslib.ogcapi.features import Features

    api = Features(ogc, headers=KEY)
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in api.conformance()["conformsTo"]
    )
    ids = {c["id"] for c in api.collections()["collections"]}
    assert {"grids", "compounds", "firms", "shops", "cases"} <= ids
    page = api.collection_items("grids", limit=7)
    assert page["numberReturned"] == 7
    assert page["numberMatched"] > 1000
    assert any(link["rel"] == "next" for link in page["links"])
    one = api.collection_item("streets", "330105005")
    assert one["properties"]["name"] == "拱宸桥街道"


@pytest.mark.demo
def test_crs_bbox_filters_and_access(demo_url: str) -> None:
    from webmap import create_app

    app = create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS})
    c = keyed(app, SETTINGS.demo_key)
    base = "/ogc/collections/streets/items/330105005"
    lonlat = c.get(base).get_json()["geometry"]["coordinates"][0][0][0]
    latlon = c.get(f"{base}?crs={EPSG}4326")
    assert latlon.headers["Content-Crs"] == f"<{EPSG}4326>"
    assert latlon.get_json()["geometry"]["coordinates"][0][0][0] == [lonlat[1], lonlat[0]]
    metric = c.get(f"{base}?crs={EPSG}4549").get_json()["geometry"]["coordinates"][0][0][0]
    engine = create_engine(demo_url)
    with engine.connect() as k:
        x, y = k.execute(
            text(
                "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID("
                "ST_MakePoint(:lon, :lat), 4326), 4549) p) q"
            ),
            {"lon": lonlat[0], "lat": lonlat[1]},
        ).one()
    engine.dispose()
    assert metric == pytest.approx([y, x], abs=0.01)  # northing first, as EPSG:4549 has it
    box = "120.13,30.30,120.15,30.32"
    a = c.get(f"/ogc/collections/grids/items?bbox={box}&limit=1000").get_json()
    b = c.get(
        f"/ogc/collections/grids/items?bbox=30.30,120.13,30.32,120.15&bbox-crs={EPSG}4326"
        "&limit=1000"
    ).get_json()
    assert a["numberMatched"] == b["numberMatched"] > 0
    assert {f["id"] for f in a["features"]} == {f["id"] for f in b["features"]}
    community = a["features"][0]["properties"]["community"]
    same = c.get(f"/ogc/collections/grids/items?community={community}&limit=1000").get_json()
    assert same["numberMatched"] >= 1
    assert {f["properties"]["community"] for f in same["features"]} == {community}
    assert c.get("/ogc/collections/grids/items?limit=0").status_code == 400
    assert c.get("/ogc/collections/grids/items?limit=10001").status_code == 400
    assert c.get("/ogc/collections/grids/items?crs=EPSG:3857").status_code == 400
    assert c.get("/ogc/collections/grids/items?datetime=2026-01-01T00:00:00Z").status_code == 400
    recent = c.get(
        "/ogc/collections/cases/items?datetime=2000-01-01T00:00:00Z/..&limit=1"
    ).get_json()
    assert recent["numberMatched"] == layer_count(demo_url, "cases")
    none = c.get("/ogc/collections/cases/items?datetime=../2000-01-01T00:00:00Z").get_json()
    assert none["numberReturned"] == 0
    assert app.test_client().get("/ogc/collections").status_code == 401
    assert keyed(app, "no-such-key").get("/ogc/collections").status_code == 403
    from sqlalchemy.orm import Session

    from geo.accounts.apikeys import create_key

    engine = create_engine(demo_url)
    with Session(engine) as s:  # the demo planner: every layer but the cases
        create_key(s, "ogc test", key="planner-ogc-key", account="planner")
        s.commit()
    try:
        planner = keyed(app, "planner-ogc-key")
        ids = {x["id"] for x in planner.get("/ogc/collections").get_json()["collections"]}
        assert "cases" not in ids
        assert "grids" in ids
        assert planner.get("/ogc/collections/cases/items").status_code == 404
    finally:
        with engine.begin() as k:
            k.execute(text("DELETE FROM api_keys WHERE label = 'ogc test'"))
        engine.dispose()
    html = c.get("/ogc/collections/streets/items?f=html&limit=2")
    assert html.mimetype == "text/html"
    assert b"<script" not in html.data


@pytest.mark.demo
def test_gdal_reads_the_ogc_api_with_http_basic_as_qgis_does(ogc: str) -> None:
    """QGIS's authentication manager and GDAL send HTTP Basic, no header of their own: with the
    demo key as the password (any username), or the admin's own username and password, GDAL's
    OAPIF driver lists and reads the collections; with no credentials it gets nothing."""
    saved = pyogrio.get_gdal_config_option("GDAL_HTTP_HEADER_FILE")  # the fixture's key
    basic = {"GDAL_HTTP_HEADER_FILE": None, "GDAL_HTTP_AUTH": "BASIC"}
    try:
        for userpwd in (f"qgis:{SETTINGS.demo_key}", "admin:demo-admin-2026"):
            pyogrio.set_gdal_config_options({**basic, "GDAL_HTTP_USERPWD": userpwd})
            listed = {name for name, _ in pyogrio.list_layers(f"OAPIF:{ogc}")}
            assert {"grids", "compounds"} <= listed
            grids = pyogrio.read_dataframe(f"OAPIF:{ogc}", layer="grids")
            assert len(grids) > 1000
        pyogrio.set_gdal_config_options({**basic, "GDAL_HTTP_USERPWD": "qgis:made-up"})
        with pytest.raises(pyogrio.errors.DataSourceError):
            pyogrio.list_layers(f"OAPIF:{ogc}")
    finally:
        pyogrio.set_gdal_config_options(
            {"GDAL_HTTP_AUTH": None, "GDAL_HTTP_USERPWD": None, "GDAL_HTTP_HEADER_FILE": saved}
        )
