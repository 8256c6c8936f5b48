"""A page's scripts and stylesheets as one file each (webmap/bundles.py): what a bundle holds,
in what order, how it is sent, and that any serving process can send it."""

from __future__ import annotations

import base64
import gzip
import json
import re

from tests.conftest import keyed
from webmap import bundles


def linked(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/bundle/[0-9a-f]{32}\.(?:js|css))"', html)


def test_the_cockpit_links_two_bundles_holding_its_files_in_order(app) -> None:  # type: ignore[no-untyped-def]
    """Its scripts (Leaflet's, ours, its own, in order) in one file after its panel, its
    stylesheets in one in its head; the config is a data block in the page, not a script."""
    c = keyed(app)
    html = c.get("/cockpit").text
    scripts, styles = bundles.page_assets("cockpit")
    assert scripts[0] == "/static/vendor/leaflet/leaflet.js"
    assert "/static/gridmap/district3d.js" in scripts
    assert scripts[-1] == "/static/gridmap/cockpit.js"
    links = linked(html)
    assert len(links) == 2
    assert html.index(links[0] if links[0].endswith(".css") else links[1]) < html.index("</head>")
    js = next(u for u in links if u.endswith(".js"))
    assert html.index('id="gm-kpi"') < html.index(js)  # the panel is in the page before it
    assert "leaflet.js" not in html  # no file of a bundle is linked alone
    assert "gridmap.css" not in html
    assert "L_NO_TOUCH" not in html  # Folium's switches, at their defaults, left out
    config = re.search(r'<script type="application/json" id="gridmap-config">(.*?)</script>', html)
    assert config is not None
    assert json.loads(config.group(1))["page"] == "cockpit"
    sent = [c.get(u).get_data(as_text=True) for u in links]
    assert any(f"/* {styles[0]} */" in b for b in sent)
    for files in (scripts, styles):  # each list is one bundle, its files in the page's order
        body = next(b for b in sent if f"/* {files[0]} */" in b)
        at = [body.index(f"/* {path} */") for path in files]
        assert at == sorted(at)  # each file, in the page's order
        for path in files:  # whole: its last line is there, after its heading
            text = (bundles.STATIC / path.removeprefix("/static/")).read_text(encoding="utf-8")
            tail = [line for line in text.splitlines() if line.strip()][-1]
            if "sourceMappingURL" not in tail and "url(" not in tail:
                assert tail in body[body.index(f"/* {path} */") :]


def test_a_bundled_stylesheet_writes_in_small_images_and_names_the_rest_from_the_root(app) -> None:  # type: ignore[no-untyped-def]
    """An image under INLINE_BYTES (Leaflet's layer control icon) is written in as a data:
    URI, its request saved; a bigger one is named from the site root (the bundle is served
    from another folder than the stylesheet)."""
    c = keyed(app)
    css = next(u for u in linked(c.get("/cockpit").text) if u.endswith(".css"))
    body = c.get(css).get_data(as_text=True)
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", body)
    images = bundles.STATIC / "vendor" / "leaflet" / "images"
    small = (images / "layers.png").read_bytes()
    assert len(small) < bundles.INLINE_BYTES <= (images / "layers-2x.png").stat().st_size
    assert "data:image/png;base64," + base64.b64encode(small).decode() in urls
    assert "/static/vendor/leaflet/images/layers-2x.png" in urls  # url(images/…) before
    for u in urls:
        assert u.startswith(("/static/", "data:", "#")), u
        if u.startswith("/static/"):
            with c.get(u) as image:
                assert image.status_code == 200, u


def test_a_bundle_is_sent_compressed_cached_for_a_year_and_revalidated(app) -> None:  # type: ignore[no-untyped-def]
    c = keyed(app)
    url = next(u for u in linked(c.get("/planner").text) if u.endswith(".js"))
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
