"""The floor for Python here: a bare WSGI app, one psycopg connection per worker, the same
locate query as /api/v1/locate. Served by gunicorn exactly like the real app."""

import json
import os
from urllib.parse import parse_qs

import psycopg

from geo.assign import ONE as SQL
from geo.settings import load_settings

SNAP_M = load_settings().snap_distance_m
_conn = None


def app(environ, start_response):  # type: ignore[no-untyped-def]
    global _conn
    if _conn is None:
        _conn = psycopg.connect(os.environ["FLOOR_CONNINFO"], autocommit=True)
    q = parse_qs(environ.get("QUERY_STRING", ""))
    row = _conn.execute(
        SQL, {"lon": float(q["lon"][0]), "lat": float(q["lat"][0]), "snap_m": SNAP_M}
    ).fetchone()
    body = json.dumps({"grid": row[0] if row else None}).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
