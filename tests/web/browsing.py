"""What the Chromium tests share (tests/web/conftest.py gives the server and the browser):
a page opened in a fresh context that lets nothing leave the server, the API as the demo's
administrator (the cases it reports are removed when the server stops), a sign-in through the
sign-in page, and a step taken on a case's panel.

Screenshots land in tests/web/artifacts/ at each page's target screen size.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from geo.settings import Settings
from tests.fixtures import SETTINGS

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# The user guide's pictures (docs/使用手册.md): the screenshots these tests take, copied into
# docs/使用手册/ when GRIDMAP_GUIDE_SHOTS is set (`make guide`), so the pictures follow the pages.
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "使用手册"
GUIDE_SHOTS = (
    "worker-todo-390x844.png",
    "worker_resolved.png",
    "worker-offline-390x844.png",
    "worker-conflict-390x844.png",
    "worker-patrol-390x844.png",
    "desk-1600x900.png",
    "desk-unit-1600x900.png",
    "desk-phone-390x844.png",
    "visits-390x844.png",
    "renewal-1280x900.png",
    "cockpit-residential.png",
    "cockpit-trends-1920x1080.png",
)
NASTY = '<img src=x onerror="window.__xss=1"></script><script>window.__xss=2</script>&amp;'
ADMIN = {"X-API-Key": SETTINGS.demo_key}  # the demo key: the demo's admin account
CREATED: list[int] = []  # cases the tests report through the API, removed at the end


@contextmanager
def serving(demo_url: str, settings: Settings) -> Iterator[str]:
    from webmap import create_app

    app = create_app({"DATABASE_URL": demo_url, "SETTINGS": settings})
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()


class Visit:
    """One page in a fresh context: every request not to our server is aborted and recorded."""

    def __init__(self, browser, server: str, path: str, width: int, height: int, **ctx) -> None:  # type: ignore[no-untyped-def]
        self.outside: list[str] = []
        self.asked: list[str] = []  # every request to our server
        self.errors: list[str] = []
        # As the demo's administrator (its API key), unless a test signs in itself.
        ctx.setdefault("extra_http_headers", ADMIN)
        self.context = browser.new_context(viewport={"width": width, "height": height}, **ctx)
        self.context.route("**/*", self._route(server))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(server + path)
        self.until(
            "window.gridmap && gridmap.config && window[gridmap.config.map] "
            "&& gridmap.settled(window[gridmap.config.map])",
            timeout=30_000,
        )

    def until(self, expression: str, timeout: float = 30_000) -> None:
        """Wait until the expression is true. Polled with page.evaluate (the DevTools protocol):
        Playwright's wait_for_function compiles its predicate with eval, which the pages'
        Content-Security-Policy rightly refuses."""
        deadline = time.monotonic() + timeout / 1000
        while not self.page.evaluate(f"!!({expression})"):  # a boolean: objects do not cross
            assert time.monotonic() < deadline, f"not true within {timeout} ms: {expression}"
            self.page.wait_for_timeout(100)

    def _route(self, server: str):  # type: ignore[no-untyped-def]
        def handle(route) -> None:  # type: ignore[no-untyped-def]
            if route.request.url.startswith(server):
                self.asked.append(route.request.url[len(server) :])
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        return handle

    def counts(self) -> dict[str, int]:
        return self.page.evaluate(
            "Object.fromEntries(Object.entries(gridmap.layers)"
            ".filter(([k, l]) => window[gridmap.config.map].hasLayer(l))"
            ".map(([k, l]) => [k, l._gm.count]))"
        )

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.wait_for_timeout(500)
        self.page.screenshot(path=str(ARTIFACTS / name))
        if name in GUIDE_SHOTS and os.environ.get("GRIDMAP_GUIDE_SHOTS"):
            from PIL import Image  # a palette of 256 colours: a third of the bytes, as legible

            GUIDE.mkdir(exist_ok=True)
            with Image.open(ARTIFACTS / name) as shot:
                shot.convert("RGB").quantize(256).save(GUIDE / name, optimize=True)

    def close(self) -> None:
        assert self.outside == [], f"requests left the server: {self.outside[:3]}"
        assert self.errors == [], f"console errors: {self.errors[:3]}"
        self.context.close()


def api(server: str, path: str, body: dict | None = None) -> dict:  # type: ignore[type-arg]
    req = urllib.request.Request(
        server + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **ADMIN},
    )
    with urllib.request.urlopen(req) as r:
        out = json.load(r)
    if path == "/api/v1/cases" and body is not None:
        CREATED.append(int(out["id"]))
    return out  # type: ignore[no-any-return]


def signed_in(browser, server: str, role: str, path: str, width: int, height: int) -> Visit:  # type: ignore[no-untyped-def]
    """A page opened by the demo account of `role`, signed in through the sign-in page."""
    from data.demo.accounts import DEMO_ACCOUNTS

    username, _, pw, _ = next(a for a in DEMO_ACCOUNTS if a[1] == role)
    v = Visit.__new__(Visit)
    v.outside, v.asked, v.errors = [], [], []
    v.context = browser.new_context(viewport={"width": width, "height": height})
    v.context.route("**/*", v._route(server))
    v.page = v.context.new_page()
    v.page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
    v.page.on("pageerror", lambda e: v.errors.append(str(e)))
    v.page.goto(server + "/login?" + urllib.parse.urlencode({"next": path}))
    v.page.fill("#gm-username", username)
    v.page.fill("#gm-password", pw)
    v.page.click("#gm-signin button[type=submit]")
    v.page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
    v.until("window.gridmap && gridmap.deskReady && window[gridmap.config.map]")
    v.page.evaluate("gridmap.deskReady.then(() => { window.__ready = true; })")
    v.until("window.__ready === true")
    return v


def jpeg(colour: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, format="JPEG")
    return out.getvalue()


def take(
    v: Visit, step: str, fill: dict[str, str] | None = None, photo: bytes | None = None
) -> None:
    """Open a step's form on the case panel, fill it, send it, and wait until it is done."""
    v.page.evaluate("gridmap.lastStep = null")
    v.page.click(f"#gm-case button.gm-step[data-step={step}]")
    form = v.page.locator(f"#gm-case form.gm-step-form[data-step={step}]")
    for name, value in (fill or {}).items():
        if form.locator(f"select[name={name}]").count():
            form.locator(f"select[name={name}]").select_option(value)
        else:
            form.locator(f"[name={name}]").fill(value)
    if photo is not None:
        form.locator("input[type=file]").set_input_files(
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": photo}
        )
    form.locator("button[type=submit]").click()
    v.until(f"gridmap.lastStep === {json.dumps(step)}", 15_000)
