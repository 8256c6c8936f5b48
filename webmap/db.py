"""A database session per request, closed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session


def get_session() -> Session:
    if "db" not in g:
        g.db = current_app.extensions["gridmap.sessionmaker"]()
    return g.db  # type: ignore[no-any-return]


def close_session(exc: BaseException | None = None) -> None:
    s = g.pop("db", None)
    if s is not None:
        if exc is not None:
            s.rollback()
        s.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
