"""One engine per process (per URL and mode), and the driver connection under a session."""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker


def get_engine(url: str, autocommit: bool = False, statement_timeout_ms: int = 0) -> Engine:
    """One engine per process (and one more, in autocommit, for requests that only read:
    switching a pooled connection's mode costs round trips on every request).

    statement_timeout_ms (0: none) is set once per connection, so a request's statement that
    runs longer is cancelled by PostgreSQL (the web app's budget) at no cost per request;
    commands and rebuilds use engines without one.

    A transaction's connection is pinged when taken from the pool (pool_pre_ping): a write
    cannot be retried blindly once it has begun, so it must not begin on a connection the
    database dropped (a restart), and the ping is small beside BEGIN and COMMIT. Reads in
    autocommit are not pinged (a round trip on every /locate); a read that fails on a dropped
    connection is retried once instead (webmap/db.py).
    """
    key = (url, autocommit, int(statement_timeout_ms))
    if key not in _ENGINES:  # never evicted: an evicted engine drops its pool's connections
        _ENGINES[key] = _engine(*key)
    return _ENGINES[key]


_ENGINES: dict[tuple[str, bool, int], Engine] = {}


def dispose_engines(url: str | None = None) -> None:
    """Close the pooled connections of every engine made for url, or of every engine (tests,
    before a process that opened them goes on without them, or ends)."""
    for key, engine in _ENGINES.items():
        if url is None or key[0] == url:
            engine.dispose()


def _engine(url: str, autocommit: bool, statement_timeout_ms: int) -> Engine:
    args = {"options": f"-c statement_timeout={statement_timeout_ms}"}
    if autocommit:
        return create_engine(
            url,
            pool_size=5,
            max_overflow=10,
            pool_recycle=300,
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,
            connect_args=args,
        )
    return create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        pool_recycle=300,
        pool_pre_ping=True,
        connect_args=args,
    )


def driver(session: Session) -> psycopg.Connection[Any]:
    """The psycopg connection under a session, in the session's transaction: for hot paths
    where SQLAlchemy's statement handling costs more than the query."""
    return session.connection().connection.driver_connection  # type: ignore[return-value]


def make_session(engine: Engine) -> Session:
    return sessionmaker(engine, expire_on_commit=False)()
