"""A database handle per request, closed at teardown, and the app's settings.

A request that reads holds one pooled autocommit connection (get_read_connection, the driver
connection for hot paths such as /locate, and get_read_session, an ORM session on the same
connection); one that writes holds one transaction (get_session). A test lends its own
connection as the read connection (app.extensions["gridmap.lent"]), which teardown leaves open.

With a read replica (DATABASE_URL_READ), the reads that may lag a moment behind the primary
(map layers, tiles, statistics, the OGC API) take get_replica_connection / get_replica_session
instead; who is calling (sessions, keys) and every write stay on the primary. Without one,
those are the request's read connection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import wraps
from typing import Any

import psycopg
import sqlalchemy.exc
from flask import Flask, current_app, g, request
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


def _replica_connection() -> Connection:
    if "db_replica_conn" not in g:
        g.db_replica_conn = current_app.extensions["gridmap.replica_connect"]()
    return g.db_replica_conn  # type: ignore[no-any-return]


def get_replica_connection() -> psycopg.Connection[Any]:
    """The replica's driver connection (autocommit), or the read connection without one."""
    if "gridmap.replica_connect" not in current_app.extensions:
        return get_read_connection()
    return _replica_connection().connection.driver_connection  # type: ignore[return-value]


def get_replica_session() -> Session:
    """An ORM session on the replica (autocommit), or the read session without one."""
    if "gridmap.replica_connect" not in current_app.extensions:
        return get_read_session()
    if "db_replica" not in g:
        g.db_replica = current_app.extensions["gridmap.read_sessionmaker"](
            bind=_replica_connection()
        )
    return g.db_replica  # type: ignore[no-any-return]


def close_session(exc: BaseException | None = None) -> None:
    for key in ("db", "db_read", "db_replica"):
        s = g.pop(key, None)
        if s is not None:
            try:
                if exc is not None:
                    s.rollback()
                s.close()
            except DROPPED:  # the connection died under the transaction: throw it away
                s.invalidate()
    replica = g.pop("db_replica_conn", None)
    if replica is not None:
        if g.get("db_broken"):
            replica.invalidate()
        replica.close()
    conn = g.pop("db_read_conn", None)
    if conn is not None and conn is not current_app.extensions.get("gridmap.lent"):
        # A query on the driver connection (/locate) bypasses SQLAlchemy, which would
        # otherwise have discarded a connection the database dropped: discard it here, or it
        # goes back to the pool and fails the next requests too.
        if g.pop("db_broken", False):
            conn.invalidate()
        conn.close()  # back to the pool, or discarded when invalidated


DROPPED = (psycopg.OperationalError, sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)


def dropped(exc: BaseException) -> bool:
    """Whether exc says the connection is gone (a restart, a network cut), not that the
    statement ran past the request's budget."""
    return isinstance(exc, DROPPED) and not isinstance(
        getattr(exc, "orig", exc), psycopg.errors.QueryCanceled
    )


def discard_connections() -> None:
    """After a dropped connection: the request's connections are thrown away, and so is every
    idle one in the pools (they were opened before the database went away, like it)."""
    for key in ("db", "db_read", "db_replica"):
        s = g.pop(key, None)
        if s is not None:
            with contextlib.suppress(sqlalchemy.exc.SQLAlchemyError):
                s.invalidate()
    for name in ("db_read_conn", "db_replica_conn"):
        conn = g.pop(name, None)
        if conn is not None and conn is not current_app.extensions.get("gridmap.lent"):
            conn.invalidate()
            conn.close()
    for engine in current_app.extensions.get("gridmap.pools", ()):
        engine.dispose()


def retry_reads(app: Flask) -> None:
    """Every view, when it reads (GET, HEAD) and its connection turns out to be dropped, runs
    once more on a new connection: the first request after a database restart succeeds. A
    write is not retried (its transaction began on a pinged connection, geo/db.py); a second
    failure is the 503 of webmap/errors.py."""

    def retrying(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return view(*args, **kwargs)
            except DROPPED as exc:
                if request.method not in ("GET", "HEAD") or not dropped(exc):
                    raise
                app.logger.warning("a read lost its connection; retrying once: %s", exc)
                discard_connections()
                return view(*args, **kwargs)

        return run

    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = retrying(view)


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
