"""A serving process's first answers, made ready before it takes a request (webmap.served_app).

Each of a host's serving processes made these on its first requests, for whichever page was
waiting: its database connections, the tables each layer reads (a catalogue query per layer,
the tiles' and GeoJSON's version checks), the pages' bundles (joined and gzipped: 10-20 ms).
A process's first tile took 36 ms in process and 340 ms under gunicorn, its first page 24 ms,
against 2-4 ms after. Best effort: a process that cannot (the database not up yet) makes them
on its first requests, as before.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import text

from layers.registry import LAYERS
from webmap.bundles import make_every_bundle
from webmap.db import get_read_session, get_replica_connection
from webmap.tiles import cache

log = logging.getLogger("gridmap.warm")


def warm(app: Flask) -> None:
    try:
        make_every_bundle()
        with app.test_request_context("/"):
            get_read_session().execute(text("SELECT 1"))
            conn, kept = get_replica_connection(), cache()
            for spec in LAYERS.values():
                if not spec.computed:
                    kept.layer_reads(conn, spec.key, spec.sql)
    except Exception:  # noqa: BLE001 - best effort: the first requests make what is missing
        log.warning("serving process not warmed", exc_info=True)
