"""A database handle per request, closed at teardown, and the app's settings.

A request reads through one autocommit session (get_read_session, and get_read_connection,
the driver connection under it, for hot paths), or writes through one transaction
(get_session); a request that does both holds two pooled connections."""

from __future__ import annotations

from typing import Any

import psycopg
from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from geo.db import driver
from geo.settings import Settings


def get_settings() -> Settings:
    return current_app.extensions["gridmap.settings"]  # type: ignore[no-any-return]


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
    """The driver connection under the request's read session (autocommit), for hot read
    paths such as /locate: no ORM statement handling around the query."""
    return driver(get_read_session())


def close_session(exc: BaseException | None = None) -> None:
    for key in ("db", "db_read"):
        s = g.pop(key, None)
        if s is not None:
            if exc is not None:
                s.rollback()
            s.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
