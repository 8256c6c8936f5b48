"""The worker's page as an installed app that works with no signal (issue #30): its web app
manifest, its icons (drawn here, so nothing is fetched), and the service worker at the site's
root (its scope must hold /worker), versioned by the static files it caches so that a new
deployment replaces the old copies."""

from __future__ import annotations

import hashlib
import io
from functools import cache
from importlib.resources import files

import orjson
from flask import Blueprint, Response, abort

from layers.pages import COLORS

bp = Blueprint("offline", __name__)
ICON_SIZES = (192, 512)


@cache
def _version() -> str:
    """A digest of the static files: a deployment that changes one changes the worker."""
    digest = hashlib.sha256()
    root = files("webmap").joinpath("static/gridmap")
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.is_file():
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()[:16]


@bp.get("/sw.js")
def service_worker() -> Response:
    source = files("webmap").joinpath("static/gridmap/sw.js").read_text(encoding="utf-8")
    resp = Response(source.replace("__VERSION__", _version()), mimetype="text/javascript")
    resp.headers["Cache-Control"] = "no-cache"  # the browser checks it on each visit
    return resp


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    body = {
        "name": "网格员 · 网格化治理",
        "short_name": "网格员",
        "lang": "zh-CN",
        "start_url": "/worker",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": COLORS["brand"],
        "icons": [
            {"src": f"/icons/{n}.png", "sizes": f"{n}x{n}", "type": "image/png"} for n in ICON_SIZES
        ],
    }
    return Response(orjson.dumps(body), mimetype="application/manifest+json")


@cache
def _icon(size: int) -> bytes:
    """The app's icon: a grid of four cells and a pin, in the bar's colours."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (size, size), str(COLORS["brand"]))
    d = ImageDraw.Draw(img)
    cell, pad = size * 0.3, size * 0.17
    for i in range(2):
        for j in range(2):
            x, y = pad + i * (cell + size * 0.06), pad + j * (cell + size * 0.06)
            d.rectangle((x, y, x + cell, y + cell), outline="#9aa5b1", width=max(2, size // 48))
    r = size * 0.11
    cx, cy = size * 0.5, size * 0.5
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=str(COLORS["highlight"]))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@bp.get("/icons/<int:size>.png")
def icon(size: int) -> Response:
    if size not in ICON_SIZES:
        abort(404)
    resp = Response(_icon(size), mimetype="image/png")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp
