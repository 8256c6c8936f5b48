"""Page weight and time to draw, in headless Chromium, per page, on the demo and on scale 10,
beside a floor measured in the same minutes.

    .venv/bin/python bench/pages.py [--skip-scale10] [--runs 5] [--warm 2] [--no-throttled]

Serves each database with gunicorn (like `make run`) and opens /cockpit, /worker and /planner
(as the demo administrator, by its API key) in Debian's Chromium at their target screen
sizes, each visit a first one (a new browser context: its cache empty), after --warm untimed
visits (the server warm, as it is after its first minutes: its processes connected, their tile
and layer caches filled). Prints bytes transferred until drawn (as sent, compressed) and the
time from navigation until every layer shown at start has drawn its data (gridmap.settled),
median of --runs; each visit ends once the network is idle (what the page asks for after
drawing, the cockpit's figures and charts, done before the next visit begins). On the
cockpit, then, the time from its 3D switch until the 3-D district's first whole frame
(MapLibre's first idle: every tile of the view drawn), in visits of its own after the timed
ones.

The floor: a bare Leaflet page at the same size and view drawing the same features (those the
page drew, saved to one static GeoJSON file) on one canvas, served by a static file server.
Each timed visit to the page is followed by one to the floor: the VM's speed swings two- to
three-fold between hours, and from one minute to the next; the ratio of page to floor visits
made in turn does not.

Then the worker's page on a weak 4G signal (Chromium's network emulation: 1.6 Mbit/s down,
750 kbit/s up, 150 ms round trip), signed in as the demo's grid worker: the first visit (empty
cache) and a repeat visit (its service worker in control), each until ready for input (the
to-do list drawn, gridmap.todoReady) and until every start layer has drawn; bytes over the
network; and the bare-Leaflet floor under the same throttle.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.districts import district  # noqa: E402
from geo.settings import load_settings  # noqa: E402
from ops.serving import APP, gunicorn_command  # noqa: E402
from tests.chromium import ARGS, CHROMIUM  # noqa: E402

PAGES = [("/cockpit", 1920, 1080), ("/worker", 390, 844), ("/planner", 1600, 1000)]


FLOOR_HTML = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="leaflet/leaflet.css">
<style>html, body, #map { margin: 0; height: 100%; }</style></head>
<body><div id="map"></div><script src="leaflet/leaflet.js"></script>
<script src="floor.js"></script></body></html>"""
FLOOR_JS = """
const view = %s;
const map = L.map("map", { preferCanvas: true }).setView(view.center, view.zoom);
const canvas = L.canvas();
fetch("features.json").then((r) => r.json()).then((fc) => {
  L.geoJSON(fc, { renderer: canvas, style: { weight: 1 },
    pointToLayer: (f, ll) => L.circleMarker(ll, { renderer: canvas, radius: 5 }) }).addTo(map);
  requestAnimationFrame(() => { window.floorDone = true; });
});
"""


# Bytes over the network (headers and compressed bodies), from the page's own resource timing:
# no DevTools session watches the timed visits (its Network domain records every request, with
# the script stack that made it: 60 ms of a cockpit's start, nothing of the floor's one file).
# A new context's cache is empty: every visit is a first visit.
TRANSFERRED = """performance.getEntriesByType("navigation").concat(
    performance.getEntriesByType("resource")).reduce((n, e) => n + e.transferSize, 0)"""
SETTLED = (
    "window.gridmap && gridmap.config && window[gridmap.config.map] "
    "&& gridmap.settled(window[gridmap.config.map])"
)


def until(page, expression: str, timeout_s: float = 60) -> None:  # type: ignore[no-untyped-def]
    """Poll until true, every 20 ms, through the DevTools protocol: Playwright's
    wait_for_function evaluates with eval, which the pages' Content-Security-Policy refuses."""
    deadline = time.perf_counter() + timeout_s
    while not page.evaluate(f"!!({expression})"):
        if time.perf_counter() > deadline:
            raise TimeoutError(expression)
        page.wait_for_timeout(20)


def floor_page(folder: Path, view: dict, features: list) -> None:  # type: ignore[type-arg]
    """The floor for one page: the page's view and the features it drew, as static files."""
    (folder / "floor.html").write_text(FLOOR_HTML)
    (folder / "floor.js").write_text(FLOOR_JS % json.dumps(view))
    fc = {"type": "FeatureCollection", "features": features}
    (folder / "features.json").write_text(json.dumps(fc, ensure_ascii=False))


def static_server(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def measure_floor(browser, url: str, width: int, height: int) -> float:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": width, "height": height})  # its cache empty
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    until(page, "window.floorDone === true")
    dt = time.perf_counter() - t0
    ctx.close()
    return dt


def measure(browser, url: str, width: int, height: int):  # type: ignore[no-untyped-def]
    """(bytes until drawn, seconds, features drawn per layer, the view, the features drawn)."""
    ctx = browser.new_context(
        viewport={"width": width, "height": height},
        extra_http_headers={"X-API-Key": load_settings().demo_key},
    )
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    until(page, SETTLED)
    dt = time.perf_counter() - t0
    weight = page.evaluate(TRANSFERRED)  # what it took to draw
    counts = page.evaluate(
        "Object.fromEntries(Object.entries(gridmap.layers).filter(([k, l]) => "
        "window[gridmap.config.map].hasLayer(l)).map(([k, l]) => [k, l._gm.count]))"
    )
    view, features = page.evaluate(
        """(() => { const m = window[gridmap.config.map], c = m.getCenter();
        const drawn = Object.values(gridmap.layers).filter((l) => m.hasLayer(l) && l._gm.features);
        return [{ center: [c.lat, c.lng], zoom: m.getZoom() },
                drawn.flatMap((l) => l._gm.features)]; })()"""
    )
    # what the page asks for once drawn (the cockpit's figures, charts and warnings: the server
    # busy for a second) ends before the next visit, which would otherwise share the machine
    page.wait_for_load_state("networkidle")
    ctx.close()
    return weight, dt, counts, view, features


def first_3d(browser, url: str, width: int, height: int) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds from the cockpit's 3D switch to the 3-D district's first whole frame (all tiles
    of the view drawn); None on a page without the switch."""
    ctx = browser.new_context(
        viewport={"width": width, "height": height},
        extra_http_headers={"X-API-Key": load_settings().demo_key},
    )
    page = ctx.new_page()
    page.goto(url)
    until(page, SETTLED)
    page.wait_for_timeout(1000)  # as a user would switch: the panels and charts loaded too
    took = None
    if page.locator("#gm-3d-toggle").count():
        t1 = time.perf_counter()
        page.click("#gm-3d-toggle")
        until(page, "gridmap.view3d.firstFrameMs !== undefined")
        took = time.perf_counter() - t1
    ctx.close()
    return took


WEAK_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 0.75e6 / 8,
    "connectionType": "cellular4g",
}


def throttled(page, ctx):  # type: ignore[no-untyped-def]
    """A DevTools session on the page with the weak signal on; the bytes each request took."""
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", WEAK_4G)
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    return sizes


def throttle_service_worker(browser) -> None:  # type: ignore[no-untyped-def]
    """The weak signal on the service worker too: what it fetches (network first for pages and
    data) goes through its own DevTools target, which the page's emulation does not reach."""
    cdp = browser.new_browser_cdp_session()
    targets = cdp.send("Target.getTargets")["targetInfos"]
    for t in targets:
        if t["type"] != "service_worker":
            continue
        sid = cdp.send("Target.attachToTarget", {"targetId": t["targetId"], "flatten": False})[
            "sessionId"
        ]
        for n, (method, params) in enumerate(
            (("Network.enable", {}), ("Network.emulateNetworkConditions", WEAK_4G)), start=1
        ):
            message = json.dumps({"id": n, "method": method, "params": params})
            cdp.send("Target.sendMessageToTarget", {"sessionId": sid, "message": message})


def worker_visits(browser, base: str, width: int = 390, height: int = 844):  # type: ignore[no-untyped-def]
    """(first ready s, first drawn s, first bytes, repeat ready s, repeat drawn s, repeat
    bytes, view, features) for the grid worker's page on the weak signal."""
    from data.demo.accounts import DEMO_ACCOUNTS

    user, _, pw, _ = next(a for a in DEMO_ACCOUNTS if a[1] == "grid_worker")
    ctx = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True)
    ctx.request.post(base + "/api/v1/session", data={"username": user, "password": pw})
    out = []
    page = ctx.new_page()
    for _visit in ("first", "repeat"):
        if _visit == "repeat":
            throttle_service_worker(browser)
        sizes = throttled(page, ctx)
        t0 = time.perf_counter()
        page.goto(base + "/worker")
        until(page, "window.gridmap && gridmap.todoReady === true")
        ready = time.perf_counter() - t0
        until(page, "gridmap.settled(window[gridmap.config.map])")
        drawn = time.perf_counter() - t0
        page.wait_for_timeout(300)
        out += [ready, drawn, sum(sizes.values())]
        if _visit == "first":  # the service worker takes the page over before the next visit
            until(page, "gridmap.swReady === true && navigator.serviceWorker.controller !== null")
    view, features = page.evaluate(
        """(() => { const m = window[gridmap.config.map], c = m.getCenter();
        const drawn = Object.values(gridmap.layers).filter((l) => m.hasLayer(l) && l._gm.features);
        return [{ center: [c.lat, c.lng], zoom: m.getZoom() },
                drawn.flatMap((l) => l._gm.features)]; })()"""
    )
    ctx.close()
    return (*out, view, features)


def floor_throttled(browser, url: str, width: int = 390, height: int = 844) -> float:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True)
    page = ctx.new_page()
    throttled(page, ctx)
    t0 = time.perf_counter()
    page.goto(url)
    until(page, "window.floorDone === true")
    dt = time.perf_counter() - t0
    ctx.close()
    return dt


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-scale10", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warm", type=int, default=2, help="untimed visits per page first")
    ap.add_argument("--no-throttled", action="store_true", help="skip the weak-4G worker runs")
    args = ap.parse_args()
    dbs = [("demo (Gongshu)", "gridmap")] + (
        [] if args.skip_scale10 else [("scale 10", "gridmap_scale10")]
    )
    folder = Path(tempfile.mkdtemp(prefix="gridmap-floor-"))
    shutil.copytree(ROOT / "webmap" / "static" / "vendor" / "leaflet", folder / "leaflet")
    httpd, floor_base = static_server(folder)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for label, db in dbs:
            url, _ = district(db)  # built first on a fresh machine
            env = {**os.environ, "GRIDMAP_RESOLVED_URL": url, "GRIDMAP_RATE_LIMIT": "off"}
            workers = 2 * (os.cpu_count() or 1) + 1
            proc = subprocess.Popen(  # as `gridmap serve` does
                [*gunicorn_command(APP, "127.0.0.1:5903", workers)] + ["--chdir", str(ROOT)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            time.sleep(4)
            print(f"\n== {label} ==")
            try:
                for path, w, h in PAGES:
                    url = "http://127.0.0.1:5903" + path
                    # untimed visits first: the server as it runs all day, its processes
                    # connected, their tile and layer caches warm (each of the workers keeps
                    # its own; a visit spreads over several); the last gives the floor its
                    # features
                    warm = [measure(browser, url, w, h) for _ in range(max(1, args.warm))]
                    floor_page(folder, warm[-1][3], warm[-1][4])
                    floor_url = floor_base + "/floor.html"
                    for _ in range(args.warm):  # the floor warmed alike
                        measure_floor(browser, floor_url, w, h)
                    runs, floors = [], []
                    for _ in range(args.runs):  # in turn: the same minutes for both
                        runs.append(measure(browser, url, w, h))
                        floors.append(measure_floor(browser, floor_url, w, h))
                    size = statistics.median(r[0] for r in runs)
                    secs = statistics.median(r[1] for r in runs)
                    drawn = sum(runs[-1][2].values())
                    floor = statistics.median(floors)
                    print(
                        f"  {path:9s} {w}x{h:<5d} {size / 1e6:6.2f} MB   drawn in {secs:5.2f} s   "
                        f"floor {floor:5.2f} s   {secs / floor:4.2f}x the floor   "
                        f"({drawn} features in {len(runs[-1][2])} start layers)"
                    )
                    once = first_3d(browser, url, w, h)  # None: the page has no 3-D view
                    if once is not None:
                        more = [first_3d(browser, url, w, h) for _ in range(args.runs - 1)]
                        first = statistics.median([once, *(f for f in more if f is not None)])
                        print(
                            f"  {'':9s} 3-D view (MapLibre, from the 3D switch): first whole "
                            f"frame in {first:5.2f} s, beside the 2-D map's {secs:5.2f} s"
                        )
                if not args.no_throttled:
                    visits = [
                        worker_visits(browser, "http://127.0.0.1:5903") for _ in range(args.runs)
                    ]
                    med = [statistics.median(v[i] for v in visits) for i in range(6)]
                    floor_page(folder, visits[-1][6], visits[-1][7])
                    floor = statistics.median(
                        floor_throttled(browser, floor_base + "/floor.html")
                        for _ in range(args.runs)
                    )
                    print("  /worker on weak 4G (1.6 Mbit/s, 150 ms), as the grid worker:")
                    print(
                        f"    first visit : ready {med[0]:5.2f} s, drawn {med[1]:5.2f} s, "
                        f"{med[2] / 1e6:5.2f} MB   (goal: ready < 3 s, < 0.5 MB)"
                    )
                    print(
                        f"    repeat visit: ready {med[3]:5.2f} s, drawn {med[4]:5.2f} s, "
                        f"{med[5] / 1e6:5.2f} MB to the page from the network, the rest "
                        "through its service worker   (goal: ready < 1 s)"
                    )
                    print(
                        f"    floor (bare Leaflet, same features, same signal) {floor:5.2f} s: "
                        f"first visit drawn {med[1] / floor:4.2f}x the floor (goal <= 1.5x)"
                    )
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
        browser.close()
    httpd.shutdown()
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
