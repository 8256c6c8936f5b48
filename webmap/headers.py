"""Security headers on every response.

The Content-Security-Policy allows scripts, styles, fonts and requests from our own origin only
(`default-src 'self'`; the pages carry no inline script, webmap/pages.py), images also from the
configured basemap's tile server, framing by our own screens only, no plugins, forms posted to
us. Styles may be inline: Leaflet and Folium write `style` attributes; no script can."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response

from geo.settings import Settings

# The tile servers of the basemaps webmap/page_map.py offers by name.
NAMED_TILES = {"amap": "https://*.is.autonavi.com", "tianditu": "https://*.tianditu.gov.cn"}


def tile_origin(basemap: str) -> str | None:
    """Where the basemap's tiles come from (None: no basemap)."""
    if basemap == "none":
        return None
    name = basemap.split(":", 1)[0]
    if name in NAMED_TILES:
        return NAMED_TILES[name]
    parts = urlsplit(basemap)  # a URL template: http://{s}.tiles.example/{z}/{x}/{y}.png
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def policy(settings: Settings) -> str:
    tiles = tile_origin(settings.basemap)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:" + (f" {tiles}" if tiles else ""),
            "connect-src 'self'",
            "frame-ancestors 'self'",
            "base-uri 'self'",
            "object-src 'none'",
            "form-action 'self'",
        ]
    )


def init_app(app: Flask, settings: Settings) -> None:
    headers = {
        "Content-Security-Policy": policy(settings),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN",  # for browsers that predate frame-ancestors
        "Referrer-Policy": "same-origin",
    }

    lowered = [(name.lower(), name, value) for name, value in headers.items()]

    @app.after_request
    def add_headers(resp: Response) -> Response:
        # one pass over what the view set (Headers.setdefault looks each name up by raising
        # and catching a KeyError when it is absent: four of those per response)
        present = {name.lower() for name, _ in resp.headers}
        for low, name, value in lowered:
            if low not in present:
                resp.headers.add(name, value)
        return resp
