"""A page's scripts and stylesheets as one file each (webmap/bundles.py): what a bundle holds,
in what order, how it is sent, and that any serving process can send it."""

from __future__ import annotations

import gzip
import re

from tests.conftest import keyed
from webmap import bundles


def linked(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/bundle/[0-9a-f]{32}\.(?:js|css))"', html)


def test_the_cockpit_links_three_bundles_holding_its_files_in_order(app) -> None:  # type: ignore[no-untyped-def]
    c = keyed(app)
    html = c.get("/cockpit").text
    first, styles, own = bundles.page_assets("cockpit")
    assert "/static/gridmap/district3d.js" in own
    assert own[-1] == "/static/gridmap/cockpit.js"
    links = linked(html)
    assert len(links) == 3
    assert "leaflet.js" not in html  # no file of a bundle is linked alone
    assert "gridmap.css" not in html
    sent = [c.get(u).get_data(as_text=True) for u in links]
    assert any(f"/* {styles[0]} */" in b for b in sent)
    for files in (first, own):  # each list is one bundle, its files in the page's order
        body = next(b for b in sent if f"/* {files[0]} */" in b)
        at = [body.index(f"/* {path} */") for path in files]
        assert at == sorted(at)  # each file, in the page's order
        for path in files:  # whole: its last line is there, after its heading
            text = (bundles.STATIC / path.removeprefix("/static/")).read_text(encoding="utf-8")
            tail = [line for line in text.splitlines() if line.strip()][-1]
            if "sourceMappingURL" not in tail:
                assert tail in body[body.index(f"/* {path} */") :]


def test_a_bundled_stylesheet_names_its_images_from_the_site_root(app) -> None:  # type: ignore[no-untyped-def]
    c = keyed(app)
    css = next(u for u in linked(c.get("/cockpit").text) if u.endswith(".css"))
    body = c.get(css).get_data(as_text=True)
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", body)
    assert "/static/vendor/leaflet/images/layers.png" in urls  # url(images/layers.png) before
    for u in urls:
        assert u.startswith(("/static/", "data:", "#")), u
        if u.startswith("/static/"):
            with c.get(u) as image:
                assert image.status_code == 200, u


def test_a_bundle_is_sent_compressed_cached_for_a_year_and_revalidated(app) -> None:  # type: ignore[no-untyped-def]
    c = keyed(app)
    url = linked(c.get("/planner").text)[0]
    plain = c.get(url)
    packed = c.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert plain.mimetype == "text/javascript"
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert plain.headers["ETag"] != packed.headers["ETag"]  # one per representation
    again = c.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_any_process_sends_a_bundle_another_made_and_none_made_up(app) -> None:  # type: ignore[no-untyped-def]
    c = keyed(app)
    urls = linked(c.get("/planner").text)
    sent = {u: c.get(u).data for u in urls}
    with bundles._lock:  # a process that has built no page yet
        held = dict(bundles._bundles), dict(bundles._names)
        bundles._bundles.clear()
        bundles._names.clear()
    try:
        for u in urls:
            assert c.get(u).data == sent[u]
    finally:
        with bundles._lock:
            bundles._bundles.update(held[0])
            bundles._names.update(held[1])
    made_up = c.get("/static/bundle/" + "0" * 32 + ".js")
    assert made_up.status_code == 404
    assert made_up.is_json
