"""What makes the worker's page an installed app that works with no signal: the manifest and
its icons, the service worker at the site's root, versioned by the static files it caches."""

from __future__ import annotations

import io
import re

from PIL import Image


def test_the_manifest_names_the_app_in_chinese_and_its_icons_are_served(client) -> None:  # type: ignore[no-untyped-def]
    m = client.get("/manifest.webmanifest")
    assert m.status_code == 200
    assert m.mimetype == "application/manifest+json"
    body = m.get_json(force=True)
    assert (body["short_name"], body["start_url"], body["lang"]) == ("网格员", "/worker", "zh-CN")
    for icon in body["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200
        w, h = Image.open(io.BytesIO(got.data)).size
        assert f"{w}x{h}" == icon["sizes"]
    assert client.get("/icons/64.png").status_code == 404


def test_the_service_worker_is_served_from_the_root_with_this_deployments_version(client) -> None:  # type: ignore[no-untyped-def]
    from webmap.offline import _version

    sw = client.get("/sw.js")
    assert sw.status_code == 200
    assert sw.mimetype == "text/javascript"
    assert sw.headers["Cache-Control"] == "no-cache"
    assert f'const VERSION = "{_version()}";' in sw.text
    assert "__VERSION__" not in sw.text


def test_the_worker_page_links_its_manifest_and_the_desk_does_not(app) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import keyed

    c = keyed(app, "worker_a-key")
    assert '<link rel="manifest" href="/manifest.webmanifest">' in c.get("/worker").text
    assert "/* /static/gridmap/outbox.js */" in own_scripts(c, c.get("/worker").text)
    command = keyed(app, "command-key")
    desk = command.get("/desk").text
    assert "manifest" not in desk
    scripts = own_scripts(command, desk)
    assert scripts.index("/* /static/gridmap/casepanel.js */") < scripts.index(
        "/* /static/gridmap/desk.js */"
    )


def own_scripts(client, html: str) -> str:  # type: ignore[no-untyped-def]
    """The page's scripts, as one file (the script bundle it links: webmap/bundles.py)."""
    last = re.findall(r'<script src="(/static/bundle/[0-9a-f]+\.js)"', html)[-1]
    return str(client.get(last).get_data(as_text=True))
