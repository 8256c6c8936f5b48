"""The floor for tiles: a bare WSGI app, one psycopg connection per worker thread, each layer's
own tile query (the same rows and attributes as /tiles) with nothing around it: no access
check, no cache, no ETag. Served by gunicorn exactly like the real app. GET /<layer>/z/x/y."""

import os
import threading
from functools import cache

import psycopg

from geo.sql.loader import to_driver
from layers.frames import layer_params
from layers.registry import LAYERS
from webmap.tiles import tile_bounds

_local = threading.local()


@cache
def _sql(layer: str) -> str:
    return to_driver(LAYERS[layer].tile_sql)


def app(environ, start_response):  # type: ignore[no-untyped-def]
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = psycopg.connect(os.environ["FLOOR_CONNINFO"], autocommit=True)
    layer, z, x, y = environ["PATH_INFO"].strip("/").split("/")
    spec, z, x, y = LAYERS[layer], int(z), int(x), int(y)
    params = {**layer_params(None, tile_bounds(z, x, y)), "z": z, "x": x, "y": y}
    params |= {"layer": layer, "clip": not spec.tiled}
    body = bytes(conn.execute(_sql(layer), params).fetchone()[0] or b"")
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/vnd.mapbox-vector-tile"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]
