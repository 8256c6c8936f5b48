"""The pages in real headless Chromium (Debian's), offline, as a person would use them
(tests/web/browsing.py: the helpers; conftest.py: the server and the browser)."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from shapely.geometry import shape
from sqlalchemy import text

from geo.settings import load_settings
from layers.registry import LAYERS, RESIDENTIAL_INDICATORS
from tests.web.browsing import NASTY, Visit, api, jpeg, serving, signed_in, take


def test_cockpit_draws_the_district_and_its_numbers(browser, server: str, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    v = Visit(browser, server, "/cockpit", 1920, 1080)
    counts = v.counts()
    assert counts["streets"] == 18
    assert counts["grids"] > 800
    assert counts["cases"] > 0
    assert counts["facilities:courier_post"] == 22
    v.until("document.getElementById('kpi-open').textContent !== '–'")
    assert int(v.page.inner_text("#kpi-open")) > 0
    assert v.page.locator("#gm-streets .gm-bar-row").count() == 18
    assert "OpenStreetMap" in v.page.inner_text(".leaflet-control-attribution")
    v.shot("cockpit-1920x1080.png")
    v.close()
    big = Visit(browser, server, "/cockpit", 3840, 2160)
    big.shot("cockpit-3840x2160.png")
    big.close()


def test_the_cockpits_case_heat_is_drawn_at_half_resolution_where_the_cases_are(
    browser, server: str
) -> None:  # type: ignore[no-untyped-def]
    """The heat's canvas holds half the map's pixels each way, stretched over the whole map (and
    again so after a zoom); it is coloured under the cases it was given and clear far from any."""
    v = Visit(browser, server, "/cockpit", 1920, 1080)
    v.until("gridmap.settled(window[gridmap.config.map])")
    look = """(() => {
      const map = window[gridmap.config.map], heat = gridmap.layers["cases:heat"];
      const c = heat._canvas, size = map.getSize(), ctx = c.getContext("2d");
      const points = heat._latlngs.map((ll) => map.latLngToContainerPoint(ll));
      const alpha = (p) => ctx.getImageData(Math.floor(p.x / 2), Math.floor(p.y / 2), 1, 1).data[3];
      const far = [[0, 0], [size.x - 1, 0], [0, size.y - 1], [size.x - 1, size.y - 1]]
        .map(([x, y]) => L.point(x, y))
        .map((p) => [p, Math.min(...points.map((q) => q.distanceTo(p)))])
        .sort((a, b) => b[1] - a[1])[0];
      const inView = points.filter((p) => p.x >= 0 && p.y >= 0 && p.x < size.x && p.y < size.y);
      return { canvas: [c.width, c.height], css: [c.style.width, c.style.height],
               map: [size.x, size.y], points: inView.length,
               under: inView.filter((p) => alpha(p) > 0).length,
               farDistance: far[1], farAlpha: alpha(far[0]) };
    })()"""
    seen = v.page.evaluate(look)
    w, h = seen["map"]
    assert seen["canvas"] == [(w + 1) // 2, (h + 1) // 2]
    assert seen["css"] == [f"{w}px", f"{h}px"]
    assert seen["points"] > 100
    assert seen["under"] == seen["points"]  # coloured under every case it was given
    assert seen["farDistance"] > 60
    assert seen["farAlpha"] == 0
    v.page.evaluate(
        "(() => { const m = window[gridmap.config.map];"
        " m.setZoom(m.getZoom() + 1, { animate: false }); })()"
    )
    v.until("!gridmap.layers['cases:heat']._frame && gridmap.settled(window[gridmap.config.map])")
    again = v.page.evaluate(look)
    assert again["canvas"] == seen["canvas"]
    assert again["points"] > 0
    assert again["under"] == again["points"]
    v.close()


def test_a_page_draws_every_vertex_the_server_kept(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """The server simplifies a feature for the zoom it is drawn at (a tile's, for two zooms in):
    the page draws each polygon as sent, every vertex of every ring, and does not simplify or
    clip it again (Leaflet's default, on every draw: a fifth of the demo planner's start)."""
    v = Visit(browser, server, "/cockpit", 1920, 1080)
    v.until("gridmap.settled(window[gridmap.config.map])")
    sent, drawn, shown = v.page.evaluate(
        """(() => { let sent = 0, drawn = 0, shown = 0;
        gridmap.layers.grids.eachLayer((l) => {
          if (!l._parts.length) return;  // off the screen
          shown += 1;
          const g = l.feature.geometry;
          const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
          for (const rings of polys) for (const r of rings) sent += r.length - 1;  // closed
          for (const part of l._parts) drawn += part.length;
        });
        return [sent, drawn, shown]; })()"""
    )
    assert shown > 500
    assert drawn == sent


@pytest.mark.parametrize(
    ("path", "width", "height", "inside"),
    [("/cockpit", 1920, 1080, {"grids", "cases"}), ("/planner", 1600, 1000, {"compounds"})],
)
def test_a_page_asks_for_no_tile_of_a_district_layer_beyond_the_district(
    browser, server: str, demo_url: str, path: str, width: int, height: int, inside: set[str]
) -> None:  # type: ignore[no-untyped-def]
    """A page's view reaches past the district (the big screen's panels, the planner's wide
    screen): the tiles of the layers that lie in the district (grids, cases, compounds) beyond
    its extent (the grids', widened by the snap distance) are not asked for, and every feature
    of the view is drawn all the same (the GeoJSON API's, for the view)."""
    from webmap.tiles import tile_bounds, tile_of

    v = Visit(browser, server, path, width, height)
    v.until("gridmap.settled(window[gridmap.config.map])")
    extent = v.page.evaluate("gridmap.config.extent")
    box = v.page.evaluate(
        "(() => { const b = window[gridmap.config.map].getBounds(); "
        "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    assert box[0] < extent[0]  # the view is wider than the district
    assert box[2] > extent[2]
    tiles = [u.split("?")[0].split("/")[2:] for u in v.asked if u.startswith("/tiles/")]
    asked = {(layer, int(z), int(x), int(y.removesuffix(".geojson"))) for layer, z, x, y in tiles}
    assert {layer for layer, *_ in asked if LAYERS[layer].in_district} == inside
    asked = {t for t in asked if t[0] in inside}
    z = {t[1] for t in asked}.pop()
    for _, _, x, y in asked:  # each tile asked meets the extent
        w, s, e, n = tile_bounds(z, x, y)
        assert (w <= extent[2], e >= extent[0], s <= extent[3], n >= extent[1]) == (True,) * 4
    (x0, y1), (x1, y0) = tile_of(box[0], box[1], z), tile_of(box[2], box[3], z)
    assert len({(x, y) for _, _, x, y in asked}) < (x1 - x0 + 1) * (y1 - y0 + 1)  # not the view's
    for layer in inside:  # the district's all: each feature within the extent
        for f in api(server, f"/api/v1/layers/{layer}.geojson")["features"]:
            w, s, e, n = shape(f["geometry"]).bounds
            assert extent[0] <= w <= e <= extent[2], (layer, f["id"])
            assert extent[1] <= s <= n <= extent[3], (layer, f["id"])
    with_box = ",".join(f"{c:.6f}" for c in box)
    for layer in inside:
        drawn = set(
            v.page.evaluate(f"gridmap.layers.{layer}._gm.features.map((f) => f.properties.code)")
        )
        shown = api(server, f"/api/v1/layers/{layer}.geojson?bbox={with_box}")["features"]
        assert drawn == {str(f["id"]) for f in shown}, layer
        assert drawn
    v.close()


def test_cockpit_numbers_change_after_a_case_is_added_without_reloading(
    browser, server: str
) -> None:  # type: ignore[no-untyped-def]
    v = Visit(browser, server, "/cockpit?refresh=2", 1920, 1080)
    v.until("document.getElementById('kpi-open').textContent !== '–'")
    v.page.evaluate("window.__samePage = true")
    before = int(v.page.inner_text("#kpi-today"))
    point = api(server, "/api/v1/layers/facilities.geojson")["features"][0]["geometry"][
        "coordinates"
    ]
    api(
        server,
        "/api/v1/cases",
        {"lon": point[0], "lat": point[1], "category": "noise", "description": "驾驶舱刷新测试"},
    )
    v.until(
        f"Number(document.getElementById('kpi-today').textContent) === {before + 1}", timeout=15_000
    )
    assert v.page.evaluate("window.__samePage") is True
    v.close()


def test_worker_finds_a_case_and_its_popup_shows_user_text_escaped(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    point = api(server, "/api/v1/layers/facilities.geojson")["features"][3]["geometry"][
        "coordinates"
    ]
    case = api(
        server,
        "/api/v1/cases",
        {
            "lon": point[0],
            "lat": point[1],
            "category": "dispute",
            "description": NASTY,
            "address": "<b>楼下</b>",
        },
    )
    grid = case["assignment"]["grid"]["code"]
    v = Visit(browser, server, f"/worker?grid={grid}", 390, 844)
    mine = case["assignment"]["grid"]["name"]
    assert v.page.locator("#gm-mygrid").inner_text() == f"我的网格：{mine}"
    v.page.click("#gm-tabs button[data-pane=find]")
    v.page.fill("#gm-q", str(case["id"]))
    v.page.click("text=搜索")
    v.until("document.querySelectorAll('#gm-results li').length > 0")
    assert NASTY in v.page.inner_text("#gm-results")
    v.until("gridmap.settled(window[gridmap.config.map])")
    v.page.wait_for_timeout(800)
    # Click the case's own marker on the map, where a person would.
    xy = v.page.evaluate(f"""(() => {{
        const m = window[gridmap.config.map];
        const p = m.latLngToContainerPoint(gridmap.toDisplay({point[0]}, {point[1]}));
        const r = m.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }})()""")
    v.page.mouse.click(xy[0], xy[1])
    v.page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    popup = v.page.locator(".leaflet-popup-content")
    assert NASTY in popup.inner_text()
    assert "<b>楼下</b>" in popup.inner_text()
    assert popup.locator("img, script, b").count() == 0
    assert v.page.evaluate("window.__xss") is None
    v.shot("worker-390x844.png")
    # The big layers came from vector tiles, and they drew what the GeoJSON endpoint has there
    assert any(u.startswith("/tiles/cases/") for u in v.asked)
    assert any(u.startswith("/tiles/roads/") for u in v.asked)
    assert not any(u.startswith(("/api/v1/layers/cases", "/api/v1/layers/roads")) for u in v.asked)
    for key in ("cases", "roads"):
        bbox, drawn = v.page.evaluate(f"""(() => {{
            const m = window[gridmap.config.map], b = m.getBounds();
            return [[b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].join(","),
                    gridmap.layers['{key}']._gm.features.map((f) => String(f.properties.code))];
            }})()""")
        extra = f"&grid={grid}" if key == "cases" else ""
        fc = api(server, f"/api/v1/layers/{key}.geojson?bbox={bbox}{extra}")
        assert sorted(drawn) == sorted(str(f["properties"]["code"]) for f in fc["features"])
    v.close()


def test_worker_locate_me_shows_where_the_phone_is(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    point = api(server, "/api/v1/layers/facilities.geojson")["features"][5]["geometry"][
        "coordinates"
    ]
    expected = api(server, f"/api/v1/locate?lon={point[0]}&lat={point[1]}")["grid"]["name"]
    v = Visit(
        browser,
        server,
        "/worker",
        390,
        844,
        geolocation={"longitude": point[0], "latitude": point[1]},
        permissions=["geolocation"],
    )
    v.page.click("#gm-tabs button[data-pane=find]")
    v.page.click("#gm-locate")
    v.until("document.querySelectorAll('#gm-results li').length > 0")
    assert expected in v.page.inner_text("#gm-results")
    box = v.page.locator(".folium-map").bounding_box()
    assert box is not None
    assert box["height"] > 300  # the map above the sheet and the thumb's tabs
    assert box["width"] == 390
    v.close()


def test_planner_shows_service_layers_by_kind_with_a_legend(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    v = Visit(browser, server, "/planner", 1600, 1000)
    counts = v.counts()
    kinds = {k: n for k, n in counts.items() if k.startswith("facilities:")}
    assert len(kinds) == 7  # the six service kinds and 小哥之家
    assert all(n > 0 for n in kinds.values())
    assert kinds["facilities:courier_post"] == 22
    assert kinds["facilities:courier_home"] == 2
    assert counts["compounds"] == 690
    legend = v.page.inner_text(".gm-legend")
    assert "小哥驿站" in legend
    assert "党群服务中心" in legend
    assert v.page.locator(".leaflet-control-scale").count() == 1
    assert v.page.locator(".leaflet-control-layers").count() == 1
    # the export control: a layer, a format, a CRS; the link downloads what the API gives
    v.page.select_option("#gm-export-layer", "compounds")
    v.page.select_option("#gm-export-format", "csv")
    v.page.select_option("#gm-export-crs", "gcj02")
    href = v.page.get_attribute(".gm-export-go", "href")
    assert href == "/api/v1/layers/compounds/export?format=csv&crs=gcj02"
    got = v.page.evaluate(
        "(u) => fetch(u).then(async (r) => [r.status, (await r.text()).split('\\n').length])",
        href,
    )
    assert got[0] == 200
    assert got[1] >= 690
    v.shot("planner-1600x1000.png")
    v.close()


def test_planner_coverage_analysis_and_a_clicked_scenario(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    v = Visit(browser, server, "/planner", 1600, 1000)
    v.page.select_option("#gm-kind", "courier_post")
    v.page.click("#gm-run")
    v.until("gridmap.coverageRuns === 1", timeout=30_000)
    expected = api(server, "/api/v1/coverage?kind=courier_post&threshold_m=500")["totals"]
    shown = v.page.inner_text("#gm-totals").split("%")[0]  # as JavaScript writes the number
    assert float(shown) == expected["households_covered_pct"]
    assert f"{expected['straight_covered_pct']}%" in v.page.inner_text("#gm-totals")
    assert v.page.locator("#gm-gaps li").count() == 15
    assert v.page.locator("#gm-comm-table tr").count() > 150
    # a 驿站 serves the shops and market stalls too: their share within its walking areas
    v.until("gridmap.demand !== undefined", timeout=30_000)
    served = api(server, "/api/v1/coverage/demand?kind=courier_post&threshold_m=500")["totals"]
    assert f"{served['weight_reached']} / {served['weight']}" in v.page.inner_text("#gm-demand")
    assert v.page.locator("#gm-demand li").count() == 5
    v.page.click("#gm-add-mode")
    box = v.page.locator(".folium-map").bounding_box()
    v.page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.45)
    v.until("gridmap.lastScenario !== undefined", timeout=30_000)
    assert "方案：新增 1 处候选点" in v.page.inner_text("#gm-scenario")
    after = api(server, "/api/v1/coverage?kind=courier_post&threshold_m=500")["totals"]
    assert after == expected  # a scenario stores nothing
    v.shot("planner-coverage-1600x1000.png")
    v.close()


def test_planner_walks_the_given_minutes_or_says_why_not(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    v = Visit(browser, server, "/planner", 1280, 800)
    v.page.fill("#gm-minutes", "40")  # 40 minutes at 1.0 m/s: 2400 m, beyond the kept 2 km
    v.page.click("#gm-run")
    v.until("gridmap.coverageErrors === 1", timeout=30_000)
    text = v.page.inner_text("#gm-totals")
    assert text.startswith("无法分析")
    assert "2000 m" in text
    assert v.page.is_enabled("#gm-run")
    # the browser logs each refused request (table, map GeoJSON, walking areas); nothing else.
    # The three are asked at once, and a refusal's log line may come after the page has shown
    # the first: wait for them (events are delivered while the page waits).
    deadline = time.monotonic() + 10
    while len(v.errors) < 3 and time.monotonic() < deadline:
        v.page.wait_for_timeout(100)
    assert len(v.errors) == 3, v.errors
    assert all("422" in e for e in v.errors), v.errors
    v.errors.clear()
    v.page.fill("#gm-minutes", "5")  # 5 minutes at 1.0 m/s: the table and the areas at 300 m
    v.page.click("#gm-run")
    v.until("gridmap.coverageRuns === 1", timeout=30_000)
    assert "步行 300 米内覆盖" in v.page.inner_text("#gm-totals")
    areas = v.page.evaluate("gridmap.walkingAreas")
    assert areas
    assert set(areas) == {300}
    v.close()


def test_amap_basemap_shifts_every_overlay_to_gcj02(browser, demo_url: str) -> None:  # type: ignore[no-untyped-def]

    with serving(demo_url, load_settings({"GRIDMAP_BASEMAP": "amap"})) as amap:
        check_amap(Visit(browser, amap, "/planner", 1600, 1000))


def check_amap(v: Visit) -> None:
    from geo.crs import wgs84_to_gcj02

    assert v.page.evaluate("gridmap.config.displayCrs") == "gcj02"
    lon, lat, shown = v.page.evaluate("""(() => {
        const l = gridmap.layers['facilities:courier_post'];
        const f = l._gm.features[0], c = f.geometry.coordinates;
        let ll = null;
        l.eachLayer((m) => {
            if (m.feature && m.feature.properties.code === f.properties.code) ll = m.getLatLng();
        });
        return [c[0], c[1], [ll.lng, ll.lat]]; })()""")
    gx, gy = wgs84_to_gcj02(lon, lat)
    assert abs(shown[0] - float(gx)) < 1e-7
    assert abs(shown[1] - float(gy)) < 1e-7  # drawn where Amap has it
    assert abs(shown[0] - lon) > 0.003  # about 450 m east of the WGS84 point
    # Only the configured (intranet-less) Amap tiles tried to leave the server; no data did.
    assert v.outside
    assert all("autonavi.com" in u for u in v.outside)
    v.outside.clear()
    v.errors.clear()  # the aborted tile requests log network errors
    v.close()


def test_a_grid_worker_signs_in_on_a_phone_and_resolves_a_case(  # type: ignore[no-untyped-def]
    browser, server: str, demo_url: str
) -> None:
    """The demo's grid worker, signed out, opens the worker page on a phone: the sign-in page
    comes first; signed in, the page shows their grid; they find a case of it, accept it and
    resolve it with a note; the case's trail names them."""
    from data.demo.accounts import DEMO_ACCOUNTS
    from geo.db import get_engine

    username, _, pw, _ = next(a for a in DEMO_ACCOUNTS if a[1] == "grid_worker")
    with get_engine(demo_url).connect() as c:
        grid, lon, lat = c.execute(
            text(
                "SELECT g.code, ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom)) "
                "FROM accounts a JOIN workers w ON w.id = a.worker_id "
                "JOIN grids g ON g.code = w.grid_code WHERE a.username = :u"
            ),
            {"u": username},
        ).one()
    case = api(
        server,
        "/api/v1/cases",
        {"lon": lon, "lat": lat, "category": "facility_repair", "description": "楼道灯不亮"},
    )
    assert case["assignment"]["grid"]["code"] == grid
    v = Visit.__new__(Visit)  # signed out: no key, and no map until signed in
    v.outside, v.asked, v.errors = [], [], []
    v.context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    v.context.route("**/*", v._route(server))
    v.page = v.context.new_page()
    v.page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
    v.page.goto(server + "/worker")
    assert "/login?next=" in v.page.url
    v.page.fill("#gm-username", username)
    v.page.fill("#gm-password", pw)
    v.page.click("#gm-signin button[type=submit]")
    v.page.wait_for_url(server + "/worker", timeout=15_000)
    v.until("window.gridmap && gridmap.config && window[gridmap.config.map]")
    assert v.page.inner_text("#gm-mygrid") == f"我的网格：{case['assignment']['grid']['name']}"
    v.page.click("#gm-tabs button[data-pane=find]")
    v.page.fill("#gm-q", str(case["id"]))
    v.page.press("#gm-q", "Enter")
    v.until("document.querySelectorAll('#gm-results li').length > 0")
    v.page.click("#gm-results li")  # the case opens with the steps its worker may take
    v.until("document.querySelector('#gm-case .gm-step[data-step=accept]') !== null")
    v.page.click("#gm-case .gm-step[data-step=accept]")
    v.page.click("#gm-case .gm-step-go")
    v.until("gridmap.lastStep === 'accept'")
    v.until("document.querySelector('#gm-case .gm-step[data-step=resolve]') !== null")
    v.page.click("#gm-case .gm-step[data-step=resolve]")
    v.page.fill("#gm-case .gm-step-form input[name=note]", "已更换灯泡")
    v.page.click("#gm-case .gm-step-go")
    v.until("gridmap.lastStep === 'resolve'")
    v.shot("worker_resolved.png")
    done = api(server, f"/api/v1/cases/{case['id']}")
    assert done["status"] == "resolved"
    assert done["events"][-1]["actor"] == username
    assert done["events"][-1]["note"] == "已更换灯泡"
    v.page.click(".gm-signout")  # and signs out
    v.page.wait_for_url(server + "/login", timeout=15_000)
    assert v.context.request.get(server + "/api/v1/session").status == 401
    v.errors = [e for e in v.errors if "401" not in e]  # the sign-in page asks who is there
    v.close()


def test_cockpit_residential_panel_shows_the_apis_figures_and_colours_communities(
    browser, server: str
) -> None:  # type: ignore[no-untyped-def]
    """The 居民小区 panel: the district's indicators as the API gives them; a street's when the
    cockpit is scoped to one; its select colours the communities by the chosen indicator."""
    stats = api(server, "/api/v1/stats/residential")
    v = Visit(browser, server, "/cockpit", 1920, 1080)
    v.until("document.querySelectorAll('#gm-residential tr').length > 6")
    rows = v.page.locator("#gm-residential tr").all_inner_texts()
    formed = next(
        r for r in rows if r.startswith(dict(RESIDENTIAL_INDICATORS)["committee_formation"])
    )
    c = stats["committee_formation"]
    assert f"{c['numerator']}/{c['denominator']}" in formed
    assert f"{c['rate']}%" in formed
    lifts = next(r for r in rows if r.startswith("加装电梯"))
    assert f"{stats['elevators_added']['numerator']}/" in lifts
    # the panel's indicators are the registry's, labels included (no copy in cockpit.js)
    labels = [label for _, label in RESIDENTIAL_INDICATORS]
    shown = [next((lb for lb in labels if r.startswith(lb)), None) for r in rows]
    listed = [lb for key, lb in RESIDENTIAL_INDICATORS if "numerator" in stats.get(key, {})]
    assert [lb for lb in shown if lb] == listed
    assert len(listed) == 11
    societies = next(r for r in rows if r.startswith("群众性社团"))
    assert f"{stats['societies']['count']} 个" in societies
    v.page.select_option("#gm-res-color", "elevators_added")
    v.until(
        "window[gridmap.config.map].hasLayer(gridmap.layers.residential_indicators) "
        "&& gridmap.layers.residential_indicators._gm.count > 100 "
        "&& !gridmap.layers.residential_indicators._gm.loading"
    )
    fills = v.page.evaluate(
        "new Set(gridmap.layers.residential_indicators.getLayers()"
        ".map((l) => l.options.fillColor)).size"
    )
    assert fills >= 4  # a ramp, not one colour
    v.shot("cockpit-residential.png")
    v.close()
    street = "330105016"
    scoped = api(server, f"/api/v1/stats/residential?street={street}")
    s = Visit(browser, server, f"/cockpit?street={street}", 1920, 1080)
    s.until("document.querySelectorAll('#gm-residential tr').length > 6")
    assert s.page.inner_text("#gm-res-scope") == "朝晖街道"
    first = s.page.locator("#gm-residential tr").first.inner_text()
    assert first.split()[-1] == str(scoped["compounds"]) != str(stats["compounds"])
    s.close()


def test_a_clicked_compound_opens_its_panel_with_parties_and_buildings(
    browser, server: str
) -> None:  # type: ignore[no-untyped-def]
    """On the planner page, a click on 浙工新村 opens its panel: three parties and its 13
    buildings with their lifts."""
    found = api(server, "/api/v1/search?q=" + urllib.parse.quote("浙工新村"))
    hit = next(r for r in found["results"] if r.get("kind") == "compound")
    compound = api(server, f"/api/v1/compounds/{hit['code']}")
    v = Visit(browser, server, "/planner", 1280, 900)
    v.page.evaluate(
        "([lon, lat]) => { const m = window[gridmap.config.map]; window.__moved = false; "
        "m.once('moveend', () => { window.__moved = true; }); "
        "m.setView(gridmap.toDisplay(lon, lat), 17, { animate: false }); }",
        [hit["lon"], hit["lat"]],
    )
    v.until("window.__moved && gridmap.settled(window[gridmap.config.map])", 15_000)
    box = v.page.locator(".folium-map").bounding_box()
    xy = v.page.evaluate(
        "([lon, lat]) => { const p = window[gridmap.config.map].latLngToContainerPoint("
        "gridmap.toDisplay(lon, lat)); return [p.x, p.y]; }",
        [hit["lon"], hit["lat"]],
    )
    v.page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    v.until("document.getElementById('gm-compound')", 10_000)
    assert v.page.inner_text("#gm-compound h3") == "浙工新村"
    text_ = v.page.inner_text("#gm-compound")
    assert compound["three_parties"]["residents_committee"]["name"] in text_
    assert v.page.locator("#gm-compound .gm-homes tr").count() == 1 + 13
    v.shot("planner-compound-panel.png")
    v.close()


def test_renewal_page_draws_buildings_by_share_signed_the_curve_and_groups(
    browser, server: str
) -> None:  # type: ignore[no-untyped-def]
    (project,) = api(server, "/api/v1/renewal/projects")
    v = Visit(browser, server, f"/renewal/{project['id']}", 1280, 900)
    v.until("gridmap.renewal && document.getElementById('gm-curve').dataset.points", 15_000)
    assert v.page.inner_text("#gm-rate") == "99.82%"
    assert "548 户，已签约 547 户" in v.page.inner_text("#gm-counts")
    assert "历时 85 天" in v.page.inner_text("#gm-counts")
    assert v.page.evaluate("gridmap.renewal.layer.getLayers().length") == 13
    fills = v.page.evaluate("gridmap.renewal.layer.getLayers().map((l) => l.options.fillColor)")
    assert len(set(fills)) >= 2  # twelve buildings all signed, one not
    points = v.page.get_attribute("#gm-curve .gm-curve-line", "points")
    assert len(points.split()) == int(v.page.get_attribute("#gm-curve", "data-points")) + 1
    groups = v.page.locator("#gm-groups tr").all_inner_texts()
    two = next(r for r in groups if r.startswith("二组"))
    assert "80\t80\t100%" in two
    href = v.page.get_attribute("#gm-xlsx", "href")
    assert href.endswith("/export?format=xlsx")
    v.shot("renewal-1280x900.png")
    v.close()


def test_a_commissioners_phone_shows_the_days_route_and_records_an_outcome(
    browser, server: str
) -> None:  # type: ignore[no-untyped-def]
    """The demo's building commissioner has a day of visits: the route is drawn on the real
    roads, stops numbered in walking order; recording one visit's outcome with a need marks it
    done and puts the need on the lists."""
    from datetime import timedelta

    from geo.business.visits import district_today

    day = district_today()  # the demo planned the day in Beijing, whatever the clock's zone
    while day.weekday() >= 5:
        day += timedelta(days=1)
    route = api(server, f"/api/v1/visits?commissioner=building&date={day}")
    assert len(route["stops"]) >= 3
    assert route["route_m"] <= route["filing_order_m"]
    before = api(server, "/api/v1/stats/business")["needs"]
    v = Visit(browser, server, f"/visits?commissioner=building&date={day}", 390, 844)
    v.until("gridmap.route && document.querySelectorAll('#gm-stops li').length > 0", 15_000)
    assert v.page.locator("#gm-stops li").count() == len(route["stops"])
    assert v.page.locator(".gm-stop").count() == len(route["stops"])
    first = route["stops"][0]["firm"]["name"]
    assert v.page.locator("#gm-stops li b").first.inner_text() == f"1. {first}"
    assert f"步行 {route['route_m'] / 1000:.1f} 公里" in v.page.inner_text("#gm-routebar")
    assert v.page.evaluate("gridmap.route.path.coordinates.length") > 0
    v.shot("visits-390x844.png")
    item = v.page.locator("#gm-stops li").first
    item.locator(".gm-outcome").fill("企业经营正常，反映访客停车难")
    item.locator("select").first.select_option("firm")
    item.locator("select").nth(1).select_option("停车")
    item.locator("input").nth(1).fill(NASTY)
    item.locator("button").click()
    v.until("document.getElementById('gm-message').textContent.startsWith('已登记')", 10_000)
    v.until("document.querySelectorAll('#gm-stops li.gm-done').length === 1", 10_000)
    assert api(server, "/api/v1/stats/business")["needs"] == before + 1
    assert v.page.evaluate("window.__xss") is None
    v.close()


def test_cockpit_three_zone_view_drills_into_a_street(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """The cockpit's 三区 view: the business and open-block sides as the API gives them, for
    the district and, picked from the list, for one street (the page does not reload)."""
    business = api(server, "/api/v1/stats/business")
    blocks = api(server, "/api/v1/stats/blocks")
    v = Visit(browser, server, "/cockpit", 1920, 1080)
    v.until(
        "document.querySelectorAll('#gm-business tr').length === 5 "
        "&& document.querySelectorAll('#gm-blocks tr').length === 5 "
        "&& document.querySelectorAll('#gm-scope option').length === 19"
    )
    rows = v.page.locator("#gm-business tr").all_inner_texts()
    assert f"{business['closed']}/{business['needs']}" in rows[1]
    assert f"{business['requests']}→{business['visits']}" in rows[4]
    cover = v.page.locator("#gm-blocks tr").nth(1).inner_text()
    assert f"{blocks['covered']}/{blocks['shops'] + blocks['stalls']}" in cover
    v.page.evaluate("window.__samePage = true")
    street = "330105017"  # 文晖街道, where 河罕上街区 is
    there = api(server, f"/api/v1/stats/blocks?street={street}")
    v.page.select_option("#gm-scope", street)
    want = f"{there['covered']}/{there['shops'] + there['stalls']}"
    v.until(f"document.querySelectorAll('#gm-blocks tr')[1].textContent.includes('{want}')", 10_000)
    assert v.page.inner_text("#gm-res-scope") == "文晖街道"
    assert v.page.evaluate("window.__samePage") is True
    v.shot("cockpit-three-zones.png")
    v.close()


@pytest.mark.parametrize(
    "elsewhere", ["/\\127.0.0.2:5077/cockpit", "//127.0.0.2:5077/cockpit", "https://x.example/"]
)
def test_sign_in_never_sends_the_browser_to_another_origin(
    browser, server: str, elsewhere: str
) -> None:  # type: ignore[no-untyped-def]
    """/login?next= names where to go after signing in: a path of this site only. A target
    the browser resolves to another host (/\\host, //host, a full URL) goes home instead."""
    from data.demo.accounts import DEMO_ACCOUNTS

    username, _, pw, _ = next(a for a in DEMO_ACCOUNTS if a[1] == "command")
    v = Visit.__new__(Visit)
    v.outside, v.asked, v.errors = [], [], []
    v.context = browser.new_context(viewport={"width": 1280, "height": 800})
    v.context.route("**/*", v._route(server))
    v.page = v.context.new_page()
    v.page.goto(server + "/login?" + urllib.parse.urlencode({"next": elsewhere}))
    v.page.fill("#gm-username", username)
    v.page.fill("#gm-password", pw)
    v.page.click("#gm-signin button[type=submit]")
    v.page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
    assert v.page.url.startswith(server + "/")
    assert not [u for u in v.outside if "127.0.0.2" in u or "x.example" in u]
    v.context.close()


def test_a_case_goes_from_the_desk_to_its_unit_and_is_verified_by_its_grid_worker(  # type: ignore[no-untyped-def]
    browser, server: str, demo_url: str
) -> None:
    """The desk, three accounts in three browsers: the command centre dispatches a new case
    to the unit suggested for it (the street's 执法中队 for 街面秩序) in one click; the squad
    finds it in its inbox, accepts it, and resolves it with a photo; the case's grid worker
    verifies it with a photo and it is closed. The trail shows each step by its actor, the
    photos show by stage, and each account's badge counted the notices it was sent."""
    from geo.db import get_engine

    with get_engine(demo_url).connect() as c:
        grid, lon, lat = c.execute(
            text(
                "SELECT g.code, ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom)) "
                "FROM accounts a JOIN workers w ON w.id = a.worker_id "
                "JOIN grids g ON g.code = w.grid_code WHERE a.username = 'grid'"
            )
        ).one()
        squad = c.execute(
            text("SELECT name FROM units WHERE code = 'U' || :s || 'CG'"), {"s": grid[:9]}
        ).scalar_one()
    words = f"桥下流动摊贩占道 {time.time_ns()}"
    case = api(
        server,
        "/api/v1/cases",
        {"lon": lon, "lat": lat, "category": "street_order", "description": words},
    )
    cid = case["id"]
    # the command centre finds it at its desk and dispatches it to the suggested unit
    desk = signed_in(browser, server, "command", "/desk", 1600, 900)
    desk.page.fill("#gm-text", words)
    desk.page.press("#gm-text", "Enter")
    desk.until(
        "document.querySelectorAll('#gm-cases li').length === 1 && "
        f"document.querySelector('#gm-cases li').dataset.id === '{cid}'"
    )
    desk.page.click(f"#gm-cases li[data-id='{cid}']")
    desk.until(f"document.querySelector('#gm-case[data-id=\"{cid}\"]') !== null")
    desk.page.click("#gm-case button.gm-step[data-step=dispatch]")
    desk.until("!document.querySelector('#gm-case .gm-suggested').disabled")
    assert squad in desk.page.inner_text("#gm-case .gm-suggested")
    desk.page.evaluate("gridmap.lastStep = null")
    desk.page.click("#gm-case .gm-suggested")
    desk.until("gridmap.lastStep === 'dispatch'")
    desk.until("document.querySelector('#gm-case').dataset.status === 'assigned'")
    assert squad in desk.page.inner_text("#gm-case")
    desk.shot("desk-1600x900.png")
    desk.close()
    # the squad: a notice in its badge, the case's steps, a photo of the work
    unit = signed_in(browser, server, "department", "/desk", 1600, 900)
    assert int(unit.page.inner_text("#gm-unread")) >= 1
    unit.page.click("#gm-inbox-open")
    unit.page.locator("#gm-inbox li", has_text=f"#{cid}").first.click()
    unit.until(f"document.querySelector('#gm-case[data-id=\"{cid}\"]') !== null")
    take(unit, "accept")
    unit.shot("desk-unit-1600x900.png")
    take(unit, "resolve", {"note": "已劝离摊贩并清理"}, photo=jpeg((30, 160, 60)))
    unit.until("document.querySelector('#gm-case').dataset.status === 'resolved'")
    assert unit.page.locator("#gm-case button.gm-step[data-step=verify]").count() == 0
    unit.close()
    # the grid worker verifies it on a phone, with a photo from the spot
    phone = signed_in(browser, server, "grid_worker", f"/desk?case={cid}", 390, 844)
    assert int(phone.page.inner_text("#gm-unread")) >= 1  # 案件待核查
    phone.until(f"document.querySelector('#gm-case[data-id=\"{cid}\"]') !== null")
    take(phone, "verify", {"passed": "true", "note": "现场已整洁"}, photo=jpeg((200, 200, 40)))
    phone.until("document.querySelector('#gm-case').dataset.status === 'closed'")
    phone.until("document.querySelectorAll('#gm-case .gm-photo-row img').length === 2")
    stages = phone.page.eval_on_selector_all(
        "#gm-case .gm-photo-row", "rows => rows.map(r => r.dataset.stage)"
    )
    assert stages == ["handling", "verify"]
    trail = phone.page.inner_text("#gm-case .gm-trail")
    for said in ("上报", "派遣", "处置中", "已办结", "核查", "已劝离摊贩并清理", "现场已整洁"):
        assert said in trail, said
    phone.shot("desk-phone-390x844.png")
    phone.close()
    done = api(server, f"/api/v1/cases/{cid}")
    assert done["status"] == "closed"
    actors = [(e["kind"], e["actor"]) for e in done["events"]]
    assert ("dispatch", "command") in actors
    assert ("verify", "grid") in actors
    assert ("transition", "squad") in actors


def test_the_api_documentation_renders_offline_from_this_server(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """/api/docs: Swagger UI, vendored, draws every operation of the description with nothing
    fetched from elsewhere (no validator badge, no fonts) and no error under the pages'
    Content-Security-Policy."""
    described = api(server, "/api/v1/openapi.json")
    operations = sum(
        1
        for item in described["paths"].values()
        for op in item
        if op in ("get", "post", "put", "patch", "delete")
    )
    v = Visit.__new__(Visit)
    v.outside, v.asked, v.errors = [], [], []
    v.context = browser.new_context(viewport={"width": 1280, "height": 900})
    v.context.route("**/*", v._route(server))
    v.page = v.context.new_page()
    v.page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
    v.page.on("pageerror", lambda e: v.errors.append(str(e)))
    v.page.goto(server + "/api/docs")
    v.until("document.querySelectorAll('.opblock').length > 0", 30_000)
    assert v.page.locator(".opblock").count() == operations
    assert "gridmap" in v.page.inner_text(".info .title")
    v.page.locator(".opblock-summary", has_text="/api/v1/units").first.click()
    v.until("document.querySelector('.opblock.is-open') !== null")
    v.shot("api-docs-1280x900.png")
    v.close()


def test_the_cockpit_draws_its_trends_evaluation_and_warnings_from_the_api(  # type: ignore[no-untyped-def]
    browser, server: str
) -> None:
    """The cockpit's strip: the 30-day trend and the 24-hour curve, and last month's ranking of
    the streets, drawn by the vendored ECharts with nothing fetched from elsewhere; the figures
    are the API's."""
    v = Visit(browser, server, "/cockpit", 1920, 1080)
    v.page.evaluate("gridmap.cockpitReady.then(() => { window.__strip = true; })")
    v.until("window.__strip === true")
    for cell in ("gm-trend-30", "gm-trend-24", "gm-eval"):
        assert v.page.locator(f"#{cell} canvas").count() >= 1, cell
    month = api(server, "/api/v1/stats/series?interval=day")["series"]["total"]
    drawn = v.page.evaluate("gridmap.trend30")
    assert drawn["reported"][:-1] == month["reported"][:-1]  # today's may have grown since
    assert sum(drawn["closed"]) > 0
    period = v.page.inner_text("#gm-eval-period")
    ranked = api(server, f"/api/v1/stats/evaluation?level=street&period={period}")["entities"]
    assert v.page.evaluate("gridmap.evaluation.entities.length") == len(ranked) == 18
    assert any(u.startswith("/static/vendor/echarts/") for u in v.asked)
    box = v.page.locator("#gm-trends").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 1080  # on the screen, no scrolling
    v.until("document.getElementById('gm-riders').dataset.version !== undefined")
    riders = api(server, "/api/v1/stats/riders?days=30")["total"]
    assert riders["rider_reports"] > 0  # the demo's couriers report
    rows = v.page.locator("#gm-riders tr").all_inner_texts()
    assert rows[0].split()[-1] == str(riders["rider_reports"])
    v.shot("cockpit-trends-1920x1080.png")
    v.close()


def test_the_cockpit_plays_back_a_past_day_hour_by_hour(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """回放: a day picked on the cockpit replays its cases on the map from the cases' tiles at
    the slider's hour (what /api/v1/layers/cases.geojson?at= gives for the view), with the
    day's hourly counts up to that hour (the series API's); 实时 brings the live map back."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    v = Visit(browser, server, "/cockpit", 1920, 1080)
    v.page.evaluate("gridmap.cockpitReady.then(() => { window.__strip = true; })")
    v.until("window.__strip === true && gridmap.settled(window[gridmap.config.map])")
    live = set(v.page.evaluate("gridmap.layers.cases._gm.features.map((f) => f.properties.code)"))
    day = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()
    v.page.fill("#gm-play-day", day)
    v.until("gridmap.playback && gridmap.playback.hour === 24 && gridmap.playback.drawn")
    v.page.locator("#gm-play-hour").fill("10")
    v.until("gridmap.playback.hour === 10 && gridmap.playback.drawn")
    box = v.page.evaluate(
        "(() => { const b = window[gridmap.config.map].getBounds(); "
        "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]"
        ".map((x) => x.toFixed(6)).join(','); })()"
    )
    shown = v.page.evaluate("gridmap.layers.cases._gm.features.map((f) => f.properties)")
    at = urllib.parse.quote(v.page.evaluate("gridmap.playback.at"))
    asked = api(server, f"/api/v1/layers/cases.geojson?at={at}&bbox={box}")["features"]
    assert {p["code"] for p in shown} == {f["id"] for f in asked}
    assert shown, "the demo's yesterday has cases before 10:00"
    assert all(p["created_at"].startswith(day) and p["created_at"][11:13] < "10" for p in shown)
    since = urllib.parse.quote(f"{day}T00:00:00+08:00")
    hourly = api(
        server,
        f"/api/v1/stats/series?interval=hour&since={since}&until="
        + urllib.parse.quote(f"{day}T23:59:59+08:00"),
    )["series"]["total"]
    counts = v.page.evaluate("gridmap.playback.counts")
    assert counts["reported"] == sum(hourly["reported"][:10])
    assert f"上报 {counts['reported']}" in v.page.inner_text("#gm-play-title")
    assert any(u.startswith("/tiles/cases/") and "at=" in u for u in v.asked)
    v.shot("cockpit-playback-1920x1080.png")
    v.page.locator("#gm-play-hour").fill("20")
    v.until("gridmap.playback.hour === 20 && gridmap.playback.drawn")
    later = v.page.evaluate("gridmap.layers.cases._gm.features.map((f) => f.properties.code)")
    assert {p["code"] for p in shown} < set(later)  # the evening adds the day's later cases
    v.page.click("#gm-play-live")
    v.until("gridmap.playback === null && gridmap.settled(window[gridmap.config.map])")
    v.until("!gridmap.layers.cases._gm.loading")
    back = set(v.page.evaluate("gridmap.layers.cases._gm.features.map((f) => f.properties.code)"))
    assert back == live
    v.close()


def test_a_recurring_place_goes_to_its_next_meeting_from_the_cockpit(  # type: ignore[no-untyped-def]
    browser, server: str, demo_url: str
) -> None:
    """Three reports of one kind a few metres apart in a compound today: the cockpit warns of
    the place, and its one button puts them on the compound's next 议事会."""
    from sqlalchemy import create_engine

    engine = create_engine(demo_url)
    with engine.connect() as c:
        code, lon, lat = c.execute(
            text(
                "SELECT code, ST_X(p), ST_Y(p) FROM (SELECT code, ST_PointOnSurface(geom) AS p "
                "FROM zone_polygons WHERE kind = 'compound' ORDER BY code LIMIT 1) z"
            )
        ).one()
    ids = [
        int(
            api(
                server,
                "/api/v1/cases",
                {"lon": lon + d, "lat": lat, "category": "noise", "description": "反复噪声"},
            )["id"]
        )
        for d in (0.0, 0.0001, 0.0002)
    ]
    v = Visit(browser, server, "/cockpit", 1920, 1080)
    v.page.evaluate("gridmap.cockpitReady.then(() => { window.__strip = true; })")
    v.until("window.__strip === true")
    item = v.page.locator("#gm-warnings li", has_text="反复发生").filter(
        has=v.page.locator(".gm-propose")
    )
    mine = [
        i
        for i in range(item.count())
        if set(ids) <= set(v.page.evaluate(f"gridmap.warnings.places[{i}].cases"))
    ]
    assert mine, v.page.evaluate("gridmap.warnings.places")
    v.page.locator("#gm-warnings .gm-propose").nth(mine[0]).click()
    v.until("gridmap.proposed !== undefined")
    said = v.page.inner_text("#gm-warnings .gm-proposed")
    out = v.page.evaluate("gridmap.proposed")
    meeting = api(server, f"/api/v1/meetings/{out['meeting']['id']}")
    try:
        assert meeting["place"]["code"] == code
        assert set(ids) <= {a["case_id"] for a in meeting["agenda"]}
        assert meeting["kind"] in said
        v.shot("cockpit-proposal-1920x1080.png")
    finally:
        v.close()
        if out["created"]:
            with engine.begin() as c:
                c.execute(text("DELETE FROM meetings WHERE id = :id"), {"id": out["meeting"]["id"]})
        engine.dispose()


def test_the_cockpits_3d_district_extrudes_buildings_from_our_own_tiles(
    browser, server: str
) -> None:  # type: ignore[no-untyped-def]
    """立体街区: the 3D switch draws MapLibre (vendored) over the 2-D map from our vector tiles:
    buildings extruded by their floors, footprints, cases, the warnings as DOM labels; no
    request leaves the server (no style, sprite or glyphs from elsewhere); 2D brings the
    default map back."""
    v = Visit(browser, server, "/cockpit", 1920, 1080)
    v.page.evaluate("gridmap.cockpitReady.then(() => { window.__strip = true; })")
    v.until("window.__strip === true")
    v.page.evaluate(
        "void window[gridmap.config.map].setView(gridmap.toDisplay(120.1385, 30.3012), 16)"
    )
    v.page.click("#gm-3d-toggle")
    v.until("gridmap.view3d.firstFrameMs !== undefined", timeout=60_000)
    v.until("gridmap.view3d.map.loaded() && gridmap.view3d.map.areTilesLoaded()", 60_000)
    drawn = v.page.evaluate(
        "(() => { const m = gridmap.view3d.map; const n = (ids) => "
        "m.queryRenderedFeatures({ layers: ids }).length; return { buildings: "
        "n(['buildings-3d', 'residential-3d']), footprints: n(['compounds', 'open_blocks']), "
        "pitch: m.getPitch() }; })()"
    )
    assert drawn["buildings"] > 0, drawn
    assert drawn["footprints"] > 0, drawn
    assert drawn["pitch"] > 30
    floors = v.page.evaluate(
        "gridmap.view3d.map.queryRenderedFeatures({ layers: ['residential-3d'] })"
        ".map((f) => Number(f.properties.floors)).filter((x) => x > 0).length"
    )
    assert floors > 0
    assert v.outside == []
    assert any(u.startswith("/tiles/residential_buildings/") for u in v.asked)
    assert any(u.startswith("/static/vendor/maplibre/") for u in v.asked)
    assert "OpenStreetMap" in v.page.inner_text("#gm-3d")
    v.shot("cockpit-3d-1920x1080.png")
    v.page.click("#gm-3d-toggle")
    v.until("gridmap.view3d.shown === false")
    assert v.page.locator("#gm-3d").is_hidden()
    v.close()


def test_the_planner_colours_communities_by_their_life_circle_rate(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """生活圈达标: the 10-minute circle's 达标率 by community as the API gives it, the missing
    services listed, the communities coloured."""
    v = Visit(browser, server, "/planner", 1600, 1000)
    v.page.click(".gm-lifecircle[data-level='10']")
    v.until("gridmap.lifecircle !== undefined", timeout=30_000)
    res = api(server, "/api/v1/coverage/lifecircle?level=10")
    assert f"{res['totals']['complete']} / {res['totals']['compounds']}" in v.page.inner_text(
        "#gm-lc-totals"
    )
    rows = v.page.locator("#gm-lc-table tr").count()
    assert rows == len(res["communities"]) + 1
    assert res["totals"]["compounds"] == 690
    assert sum(res["totals"]["missing"].values()) > 0  # the demo is not complete
    v.shot("planner-lifecircle-1600x1000.png")
    v.close()
