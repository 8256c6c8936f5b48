"""A database handle per request, closed at teardown, and the app's settings.

A request that reads holds one pooled autocommit connection (get_read_connection, the driver
connection for hot paths such as /locate, and get_read_session, an ORM session on the same
connection); one that writes holds one transaction (get_session). A test lends its own
connection as the read connection (app.extensions["gridmap.lent"]), which teardown leaves open.
"""

from __future__ import annotations

from typing import Any

import psycopg
from flask import Flask, current_app, g
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from geo.settings import Settings


def get_settings() -> Settings:
    return current_app.extensions["gridmap.settings"]  # type: ignore[no-any-return]


def get_session() -> Session:
    """The request's read-write session (one transaction; the view commits)."""
    if "db" not in g:
        g.db = current_app.extensions["gridmap.sessionmaker"]()
    return g.db  # type: ignore[no-any-return]


def _read_connection() -> Connection:
    if "db_read_conn" not in g:
        g.db_read_conn = current_app.extensions["gridmap.read_connect"]()
    return g.db_read_conn  # type: ignore[no-any-return]


def get_read_connection() -> psycopg.Connection[Any]:
    """The driver connection of the request's read connection (autocommit): no ORM around
    the query (a session was a tenth of /locate's time)."""
    return _read_connection().connection.driver_connection  # type: ignore[return-value]


def get_read_session() -> Session:
    """An ORM session on the request's read connection (autocommit)."""
    if "db_read" not in g:
        g.db_read = current_app.extensions["gridmap.read_sessionmaker"](bind=_read_connection())
    return g.db_read  # type: ignore[no-any-return]


def close_session(exc: BaseException | None = None) -> None:
    for key in ("db", "db_read"):
        s = g.pop(key, None)
        if s is not None:
            if exc is not None:
                s.rollback()
            s.close()
    conn = g.pop("db_read_conn", None)
    if conn is not None and conn is not current_app.extensions.get("gridmap.lent"):
        # A query on the driver connection (/locate) bypasses SQLAlchemy, which would
        # otherwise have discarded a connection the database dropped: discard it here, or it
        # goes back to the pool and fails the next requests too.
        if g.pop("db_broken", False):
            conn.invalidate()
        conn.close()  # back to the pool, or discarded when invalidated


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
