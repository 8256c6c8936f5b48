"""gzip for text responses (GeoJSON, JSON, HTML, JS, CSS): map layers shrink about sixfold."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = ("application/json", "application/geo+json", "text/", "application/javascript")
MIN_BYTES = 1024


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
        resp.direct_passthrough = False  # static files: small enough to read and compress
        data = resp.get_data()
        if len(data) < MIN_BYTES:
            return resp
        resp.set_data(gzip.compress(data, compresslevel=5))
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Content-Length"] = str(len(resp.get_data()))
        resp.vary.add("Accept-Encoding")
        etag, weak = resp.get_etag()
        if etag and not weak:  # another representation of the same file: no longer byte-equal
            resp.set_etag(etag, weak=True)
        return resp
