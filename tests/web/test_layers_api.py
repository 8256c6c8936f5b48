"""The layer registry over HTTP: list, GeoJSON by bbox, full precision without one."""

import re

from layers.registry import LAYERS
from tests.fixtures import COMPOUND, GRID_A, m_point

ARCH_KEYS = {
    "streets",
    "communities",
    "grids",
    "compounds",
    "business_communities",
    "buildings",
    "open_blocks",
    "party_orgs",
    "facilities",
    "workers",
    "cases",
    "roads",
}


def test_registry_lists_every_layer_with_chinese_titles(client) -> None:  # type: ignore[no-untyped-def]
    listed = {item["key"]: item for item in client.get("/api/v1/layers").get_json()}
    assert set(listed) >= ARCH_KEYS
    assert listed["compounds"]["title"] == "居民小区"
    assert "cockpit" in listed["grids"]["pages"]


def test_every_layer_serves_features_with_code_and_name(client) -> None:  # type: ignore[no-untyped-def]
    client.post(
        "/api/v1/cases",
        json={
            "lon": m_point(100, 100)[0],
            "lat": m_point(100, 100)[1],
            "category": "parking",
            "description": "x",
        },
    )
    for key in LAYERS:
        r = client.get(f"/api/v1/layers/{key}.geojson")
        assert r.status_code == 200, key
        assert r.mimetype == "application/geo+json", key
        for f in r.get_json()["features"]:
            assert "code" in f["properties"], key
            assert "name" in f["properties"], key


def test_without_bbox_the_whole_layer_comes_at_six_decimals(client) -> None:  # type: ignore[no-untyped-def]
    fc = client.get("/api/v1/layers/grids.geojson").get_json()
    assert {f["properties"]["code"] for f in fc["features"]} == {GRID_A, "330105001001002"}
    numbers = re.findall(r"\d+\.(\d+)", str(fc["features"][0]["geometry"]["coordinates"]))
    assert max(len(n) for n in numbers) == 6


def test_bbox_selects_what_meets_the_box(client) -> None:  # type: ignore[no-untyped-def]
    (x0, y0), (x1, y1) = m_point(10, 10), m_point(60, 60)
    fc = client.get(f"/api/v1/layers/grids.geojson?bbox={x0},{y0},{x1},{y1}&zoom=16").get_json()
    assert [f["properties"]["code"] for f in fc["features"]] == [GRID_A]
    comp = client.get(f"/api/v1/layers/compounds.geojson?bbox={x0},{y0},{x1},{y1}").get_json()
    assert comp["features"][0]["properties"]["code"] == COMPOUND
    assert comp["features"][0]["properties"]["households"] == 300


def test_bad_bbox_and_unknown_layer_are_json_errors(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/layers/grids.geojson?bbox=1,2,3").status_code == 400
    assert client.get("/api/v1/layers/grids.geojson?bbox=5,5,1,1").status_code == 422
    r = client.get("/api/v1/layers/nope.geojson")
    assert r.status_code == 404
    assert "没有图层" in r.get_json()["message"]


def test_case_layer_never_carries_the_reporter(client) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(100, 100)
    client.post(
        "/api/v1/cases",
        json={
            "lon": lon,
            "lat": lat,
            "category": "noise",
            "description": "吵",
            "reporter": {"name": "张三丰", "phone": "13812341234"},
        },
    )
    body = client.get("/api/v1/layers/cases.geojson").get_data(as_text=True)
    assert "13812341234" not in body
    assert "张三丰" not in body
    assert "吵" in body


def test_pages_reference_nothing_outside_the_server(client) -> None:  # type: ignore[no-untyped-def]
    client.environ_base["HTTP_X_API_KEY"] = "admin-key"  # every page is the admin's
    for page in ("/cockpit", "/worker", "/planner", "/worker?grid=" + GRID_A):
        html = client.get(page).get_data(as_text=True)
        assert client.get(page).status_code == 200
        assert re.findall(r"https?://", html) == [], page


def test_a_layer_kept_for_a_box_changes_with_its_data(client) -> None:  # type: ignore[no-untyped-def]
    """The GeoJSON of a box is kept by the serving process under its tables' data version: asked
    again unchanged it is the same answer (304 to its ETag); a new case in the box is in the
    very next answer."""
    (x0, y0), (x1, y1) = m_point(0, 0), m_point(400, 400)
    url = f"/api/v1/layers/cases.geojson?bbox={x0},{y0},{x1},{y1}&zoom=15"
    first = client.get(url)
    again = client.get(url)
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    lon, lat = m_point(150, 150)
    made = client.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "parking", "description": "新停车"},
    ).get_json()
    after = client.get(url)
    assert after.headers["ETag"] != first.headers["ETag"]
    codes = {f["properties"]["code"] for f in after.get_json()["features"]}
    assert str(made["id"]) in codes
    assert str(made["id"]) not in {f["properties"]["code"] for f in first.get_json()["features"]}


def test_a_static_file_is_compressed_once_and_stays_the_file(client) -> None:  # type: ignore[no-untyped-def]
    import gzip

    url, gz = "/static/gridmap/gridmap.js", {"Accept-Encoding": "gzip"}
    with (
        client.get(url) as plain,
        client.get(url, headers=gz) as first,
        client.get(url, headers=gz) as second,
    ):
        assert first.headers["Content-Encoding"] == second.headers["Content-Encoding"] == "gzip"
        assert second.get_data() == first.get_data()
        assert gzip.decompress(second.get_data()) == plain.get_data()
        assert int(second.headers["Content-Length"]) == len(second.get_data())


def test_the_layers_a_page_draws_in_numbers_stroke_hairlines(client) -> None:  # type: ignore[no-untyped-def]
    """A stroke wider than one pixel is drawn as a shape by the browser's software rasteriser (no
    GPU on an intranet desktop): on the scale-10 planner, the communities' 1.2 px lines and the
    points' 3 px rims (Leaflet's default) made its first frame 2-3 times as long. Every point
    layer says its rim, and every layer a page starts with strokes at most 1 px, but the
    streets' few outlines."""
    for item in client.get("/api/v1/layers").get_json():
        weight = item["style"].get("weight")
        if item["geometry"] == "point":
            assert weight is not None, item["key"]
            assert weight <= 1, item["key"]
        elif item["start"] and item["key"] != "streets":
            assert weight <= 1, item["key"]
