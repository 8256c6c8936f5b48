"""The grid worker's phone with no signal (issue #30), in real headless Chromium at 390×844,
offline by the browser context: the worker accepts a case, verifies another with a photo and
files a report with a photo; when the connection returns each arrives exactly once, in the
order made, and the queue's badge clears. A move that someone else's step overtook meanwhile
(the case was returned) is shown to the worker and not applied."""

from __future__ import annotations

import itertools
import time
import urllib.parse
from typing import Any

from sqlalchemy import text

from tests.web.browsing import CREATED, Visit, api, jpeg, take


def _worker_phone(browser: Any, server: str, **ctx: Any) -> Visit:
    """The demo's grid worker signed in on the worker page, its service worker in control."""
    v = _phone(browser, server, "grid_worker", **ctx)
    v.until("window.gridmap && gridmap.swReady && gridmap.todoReady")
    v.page.reload()  # now the service worker serves the page and keeps copies
    v.until("window.gridmap && gridmap.todoReady && navigator.serviceWorker.controller !== null")
    return v


def _phone(browser: Any, server: str, role: str, **ctx: Any) -> Visit:
    """The demo account of `role` signed in on the worker page at a phone's size."""
    from data.demo.accounts import DEMO_ACCOUNTS

    username, _, pw, _ = next(a for a in DEMO_ACCOUNTS if a[1] == role)
    v = Visit.__new__(Visit)
    v.outside, v.asked, v.errors = [], [], []
    v.context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, **ctx
    )
    v.context.route("**/*", v._route(server))
    v.page = v.context.new_page()
    v.page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
    v.page.on("pageerror", lambda e: v.errors.append(str(e)))
    v.page.goto(server + "/login?" + urllib.parse.urlencode({"next": "/worker"}))
    v.page.fill("#gm-username", username)
    v.page.fill("#gm-password", pw)
    v.page.click("#gm-signin button[type=submit]")
    v.page.wait_for_url(server + "/worker", timeout=15_000)
    return v


def _tap(v: Visit, lon: float, lat: float) -> None:
    """Tap the map at a WGS84 point, brought into view."""
    xy = v.page.evaluate(f"""(() => {{
        const m = window[gridmap.config.map];
        m.setView(gridmap.toDisplay({lon}, {lat}), 17, {{animate: false}});
        const p = m.latLngToContainerPoint(gridmap.toDisplay({lon}, {lat}));
        const r = m.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }})()""")
    v.page.mouse.click(xy[0], xy[1])


def _in_the_workers_grid(c: Any) -> tuple[float, float]:
    """A point inside the demo grid worker's grid (WGS84)."""
    lon, lat = c.execute(
        text(
            "SELECT ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom)) "
            "FROM accounts a JOIN workers w ON w.id = a.worker_id "
            "JOIN grids g ON g.code = w.grid_code WHERE a.username = 'grid'"
        )
    ).one()
    return float(lon), float(lat)


def _open(v: Visit, case_id: int) -> None:
    v.page.evaluate(f"gridmap.openCase({case_id})")
    v.until(f"document.querySelector('#gm-case[data-id=\"{case_id}\"]') !== null")


def test_work_done_with_no_signal_arrives_once_in_order_and_a_conflict_is_shown(
    browser: Any, server: str, demo_url: str
) -> None:
    from geo.db import get_engine

    with get_engine(demo_url).connect() as c:
        lon, lat = _in_the_workers_grid(c)
    words = f"离线测试 {time.time_ns()}"

    def new(what: str) -> int:
        body = {
            "lon": lon,
            "lat": lat,
            "category": "facility_repair",
            "description": f"{words} {what}",
        }
        return int(api(server, "/api/v1/cases", body)["id"])

    accept_me, verify_me, overtaken = new("受理"), new("核查"), new("冲突")
    for to in ("accepted", "resolved"):  # resolved by the administrator: the worker may verify
        api(server, f"/api/v1/cases/{verify_me}/transitions", {"to": to, "note": "已修复"})

    phone = _worker_phone(browser, server)
    for cid in (accept_me, verify_me, overtaken):  # read once with a signal: kept for offline
        _open(phone, cid)
    phone.page.click("#gm-tabs button[data-pane=todo]")
    phone.until("document.querySelectorAll('#gm-cases li').length > 0")
    phone.shot("worker-todo-390x844.png")
    phone.page.click("#gm-tabs button[data-pane=report]")
    phone.until("document.querySelectorAll('#gm-category option').length > 0")

    online_errors = len(phone.errors)
    phone.context.set_offline(True)
    phone.until("document.body.classList.contains('gm-offline')")
    _open(phone, accept_me)  # from the service worker's copy
    take(phone, "accept")
    _open(phone, verify_me)
    take(phone, "verify", {"passed": "true", "note": "现场已修好"}, photo=jpeg((20, 120, 200)))
    _open(phone, overtaken)
    take(phone, "accept")
    api(server, f"/api/v1/cases/{overtaken}/transitions", {"to": "returned", "note": "派错网格"})
    # a report found on the round, with a photo and a place tapped on the map
    phone.page.click("#gm-tabs button[data-pane=report]")
    phone.page.select_option("#gm-group", label="基层治理（事件）")
    phone.page.select_option("#gm-category", value="parking")
    phone.page.fill("#gm-description", f"{words} 上报")
    phone.page.set_input_files(
        "#gm-photos", {"name": "p.jpg", "mimeType": "image/jpeg", "buffer": jpeg((200, 60, 20))}
    )
    phone.page.click("#gm-pick")
    _tap(phone, lon, lat)
    phone.page.click("#gm-send")
    phone.until("gridmap.lastReport === 'queued'")
    # five requests wait: an accept, the verification's photo and step, an accept, the report
    phone.until("gridmap.queued === 5")
    assert phone.page.inner_text("#gm-queued") == "5"
    assert api(server, f"/api/v1/cases/{accept_me}")["status"] == "assigned"  # nothing sent yet
    phone.shot("worker-offline-390x844.png")

    phone.context.set_offline(False)
    phone.until("gridmap.queued === 0 && gridmap.conflicts === 1", 30_000)
    # with no signal, what was never read before could not load (a map tile, a search): the
    # service worker answered 503 and the browser said so; the overtaken move's 412 is the
    # conflict shown; nothing else went wrong
    offline = phone.errors[online_errors:]
    expected = (
        "status of 503",
        "ERR_INTERNET_DISCONNECTED",
        "Failed to fetch",
        "此前未保存",
        "status of 412",
    )
    assert all(any(x in e for x in expected) for e in offline), [
        e for e in offline if not any(x in e for x in expected)
    ]
    del phone.errors[online_errors:]
    assert phone.page.locator("#gm-outbox-open").is_hidden()
    assert f"#{overtaken}" in phone.page.inner_text("#gm-conflicts")
    assert "已被他人处理" in phone.page.inner_text("#gm-conflicts")
    phone.shot("worker-conflict-390x844.png")

    a = api(server, f"/api/v1/cases/{accept_me}")
    b = api(server, f"/api/v1/cases/{verify_me}")
    c = api(server, f"/api/v1/cases/{overtaken}")
    assert (a["status"], b["status"], c["status"]) == ("accepted", "closed", "returned")
    accepts = [e for e in a["events"] if e["kind"] == "transition" and e["to"] == "accepted"]
    assert [e["actor"] for e in accepts] == ["grid"]  # once
    assert [e["actor"] for e in c["events"] if e["to"] == "accepted"] == []  # not applied
    photos = api(server, f"/api/v1/cases/{verify_me}/media")
    assert [p["stage"] for p in photos] == ["verify"]
    with get_engine(demo_url).connect() as conn:
        reports = conn.execute(
            text(
                "SELECT c.id, c.source, (SELECT count(*) FROM case_media m WHERE m.case_id = c.id) "
                "FROM cases c WHERE c.description = :d"
            ),
            {"d": f"{words} 上报"},
        ).all()
    assert len(reports) == 1  # exactly once
    (report_id, source, n_photos) = reports[0]
    assert (source, n_photos) == ("worker_patrol", 1)
    # in the order made: the accept, the verification, then the report
    verified = next(e["at"] for e in b["events"] if e["kind"] == "verify")
    reported = api(server, f"/api/v1/cases/{report_id}")["created_at"]
    assert accepts[0]["at"] < verified < reported
    CREATED.append(report_id)  # reported by the phone: removed with the API's
    phone.close()


def test_a_patrol_walked_with_the_phone_is_recorded_with_its_length(  # type: ignore[no-untyped-def]
    browser, server: str, demo_url: str
) -> None:
    """The worker starts a patrol, walks (the phone's position moves 30 m at a time), and ends
    it: the track reaches the server, its length the one measured here on the ellipsoid."""
    from pyproj import Geod

    from geo.db import get_engine

    with get_engine(demo_url).connect() as c:
        lon, lat = _in_the_workers_grid(c)
        c.execute(text("DELETE FROM patrols WHERE username = 'grid'"))
        c.commit()
    walk = [(lon + i * 0.0003, lat + (i % 2) * 0.0001) for i in range(5)]
    phone = _worker_phone(
        browser,
        server,
        geolocation={"longitude": walk[0][0], "latitude": walk[0][1], "accuracy": 5},
        permissions=["geolocation"],
    )
    phone.page.click("#gm-tabs button[data-pane=patrol]")
    phone.page.click("#gm-patrol")
    for x, y in walk[1:]:
        phone.page.wait_for_timeout(400)
        phone.context.set_geolocation({"longitude": x, "latitude": y, "accuracy": 5})
    phone.until("JSON.parse(localStorage.getItem('gridmap-patrol')).seq === 5", 15_000)
    assert "已记录 5 个点" in phone.page.inner_text("#gm-patrol-now")
    phone.page.click("#gm-patrol")  # end it
    phone.until("document.querySelectorAll('#gm-patrols li.gm-case-item').length === 1", 15_000)
    phone.shot("worker-patrol-390x844.png")
    day = api(server, "/api/v1/patrols?worker=grid")
    (p,) = day["patrols"]
    geod = Geod(ellps="GRS80")
    expected = sum(
        geod.line_length([a[0], b[0]], [a[1], b[1]]) for a, b in itertools.pairwise(walk)
    )
    assert p["points"] == 5
    assert p["ended_at"] is not None
    assert abs(p["length_m"] - expected) < 1.0  # EPSG:4549 against the ellipsoid: centimetres
    assert p["coverage"]["road_m"] > 0
    phone.close()


def test_a_rider_reports_from_the_phone_and_sees_the_points_it_earns(
    browser: Any, server: str, demo_url: str
) -> None:
    """小哥 as the district's eyes (issue #32): the demo's rider signs in on the worker page,
    which opens on the report form with their points (no to-do list, no patrol: a rider reads
    no case); a report sent from it is the rider's, and once accepted it earns its points."""
    from geo.db import get_engine
    from geo.riders.words import POINTS_PER_REPORT

    with get_engine(demo_url).connect() as c:
        lon, lat = _in_the_workers_grid(c)
    v = _phone(browser, server, "rider")
    v.until("window.gridmap && typeof gridmap.riderPoints === 'number'")
    before = v.page.evaluate("gridmap.riderPoints")
    assert v.page.is_visible("#gm-pane-report")
    for hidden in ("todo", "patrol"):
        assert v.page.locator(f"#gm-tabs button[data-pane={hidden}]").is_hidden()
    assert not any(u.startswith("/api/v1/cases?") for u in v.asked)  # no to-do list asked
    v.until("document.querySelectorAll('#gm-category option').length > 0")
    v.page.select_option("#gm-group", label="基层治理（事件）")
    v.page.select_option("#gm-category", value="parking")
    v.page.fill("#gm-description", f"骑手上报 {time.time_ns()}")
    v.page.click("#gm-pick")
    _tap(v, lon, lat)
    v.page.click("#gm-send")
    v.until("typeof gridmap.lastReport === 'number'")
    case_id = int(v.page.evaluate("gridmap.lastReport"))
    CREATED.append(case_id)
    assert "受理后得积分" in v.page.inner_text("#gm-message")
    assert api(server, f"/api/v1/cases/{case_id}")["source"] == "rider"
    # accepted as it arrives (the intake assigns it to the grid's worker): its points count
    assert api(server, f"/api/v1/cases/{case_id}")["status"] not in ("reported", "refused")
    v.page.click("#gm-tabs button[data-pane=points]")
    v.until(f"gridmap.riderPoints === {before + POINTS_PER_REPORT}")
    assert str(before + POINTS_PER_REPORT) in v.page.inner_text("#gm-points")
    v.shot("worker-rider-390x844.png")
    v.close()
