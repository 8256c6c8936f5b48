"""The floor for tiles: a bare WSGI app, one psycopg connection per worker thread, each layer's
own tile query (the same rows and attributes as /tiles) with nothing around it: no access
check, no cache, no ETag. Served by gunicorn exactly like the real app. GET /<layer>/z/x/y."""

import os
import threading

import psycopg

from layers.frames import WORLD, layer_params
from layers.registry import LAYERS
from webmap.tiles import tile_bounds

_local = threading.local()


def app(environ, start_response):  # type: ignore[no-untyped-def]
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = psycopg.connect(os.environ["FLOOR_CONNINFO"], autocommit=True)
    layer, z, x, y = environ["PATH_INFO"].strip("/").split("/")
    spec, z, x, y = LAYERS[layer], int(z), int(x), int(y)
    params = {**layer_params(None, WORLD), "z": z, "x": x, "y": y, "layer": layer}
    params |= {"clip": not spec.tiled}
    params |= dict(zip(("minx", "miny", "maxx", "maxy"), tile_bounds(z, x, y), strict=True))
    sql, names = _psycopg(spec.tile_sql)
    body = bytes(conn.execute(sql, [params[n] for n in names]).fetchone()[0] or b"")
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/vnd.mapbox-vector-tile"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]


_compiled: dict[str, tuple[str, list[str]]] = {}


def _psycopg(sql: str) -> tuple[str, list[str]]:
    """The SQLAlchemy-style :name query as psycopg's positional %s (compiled once)."""
    if sql not in _compiled:
        import re

        names: list[str] = []

        def sub(m: re.Match[str]) -> str:
            names.append(m.group(1))
            return "%s"

        text = re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", sub, sql.replace("%", "%%"))
        _compiled[sql] = (text, names)
    return _compiled[sql]
