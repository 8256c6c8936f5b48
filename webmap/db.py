"""A database session per request, closed at teardown."""

from __future__ import annotations

from typing import Any

import psycopg
from flask import Flask, current_app, g
from sqlalchemy.orm import Session


def get_session() -> Session:
    """The request's read-write session (one transaction; the view commits)."""
    if "db" not in g:
        g.db = current_app.extensions["gridmap.sessionmaker"]()
    return g.db  # type: ignore[no-any-return]


def get_read_session() -> Session:
    """An autocommit session for requests that only read."""
    if "db_read" not in g:
        g.db_read = current_app.extensions["gridmap.read_sessionmaker"]()
    return g.db_read  # type: ignore[no-any-return]


def get_read_connection() -> psycopg.Connection[Any]:
    """The request's pooled driver connection (autocommit) for hot read paths such as
    /locate: no ORM session around it (that was a tenth of the request's time)."""
    if "db_raw" not in g:
        g.db_raw = current_app.extensions["gridmap.read_connection"]()
    return g.db_raw.driver_connection  # type: ignore[no-any-return]


def close_session(exc: BaseException | None = None) -> None:
    raw = g.pop("db_raw", None)
    if raw is not None:
        raw.close()  # back to the pool
    for key in ("db", "db_read"):
        s = g.pop(key, None)
        if s is not None:
            if exc is not None:
                s.rollback()
            s.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
