"""Page weight and time to draw, in headless Chromium, per page, on the demo and on scale 10.

    .venv/bin/python bench/pages.py [--skip-scale10] [--runs 3]

Serves each database with gunicorn (like `make run`) and opens /cockpit, /worker and /planner
in Debian's Chromium at their target screen sizes, with the browser cache off. Prints bytes
transferred (all responses, uncompressed bodies) and the time from navigation until every
layer shown at start has drawn its data (gridmap.settled), median of --runs.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.settings import load_settings  # noqa: E402
from ops.database import local_cluster  # noqa: E402
from tests.chromium import ARGS, CHROMIUM  # noqa: E402

PAGES = [("/cockpit", 1920, 1080), ("/worker", 390, 844), ("/planner", 1600, 1000)]


def measure(browser, url: str, width: int, height: int) -> tuple[int, float, dict[str, int]]:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(
        "window.gridmap && gridmap.config && window[gridmap.config.map] "
        "&& gridmap.settled(window[gridmap.config.map])",
        timeout=60_000,
        polling=20,
    )
    dt = time.perf_counter() - t0
    counts = page.evaluate(
        "Object.fromEntries(Object.entries(gridmap.layers).filter(([k, l]) => "
        "window[gridmap.config.map].hasLayer(l)).map(([k, l]) => [k, l._gm.count]))"
    )
    page.wait_for_timeout(300)
    total = sum(sizes.values())
    ctx.close()
    return total, dt, counts


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-scale10", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    cluster = local_cluster(load_settings())
    dbs = [("demo (Gongshu)", "gridmap")] + (
        [] if args.skip_scale10 else [("scale 10", "gridmap_scale10")]
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for label, db in dbs:
            url = cluster.up(db)
            env = {**os.environ, "GRIDMAP_RESOLVED_URL": url, "GRIDMAP_RATE_LIMIT": "off"}
            workers = str(2 * (os.cpu_count() or 1) + 1)
            proc = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "-w",
                    workers,
                    "-b",
                    "127.0.0.1:5903",
                    "--chdir",
                    str(ROOT),
                    "webmap:create_app()",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            time.sleep(4)
            print(f"\n== {label} ==")
            try:
                for path, w, h in PAGES:
                    runs = [
                        measure(browser, "http://127.0.0.1:5903" + path, w, h)
                        for _ in range(args.runs)
                    ]
                    size = statistics.median(r[0] for r in runs)
                    secs = statistics.median(r[1] for r in runs)
                    drawn = sum(runs[-1][2].values())
                    print(
                        f"  {path:9s} {w}x{h:<5d} {size / 1e6:6.2f} MB   drawn in {secs:5.2f} s   "
                        f"({drawn} features in {len(runs[-1][2])} start layers)"
                    )
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
        browser.close()


if __name__ == "__main__":
    main()
