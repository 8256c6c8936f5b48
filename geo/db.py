"""One engine per process (per URL and mode), and the driver connection under a session."""

from __future__ import annotations

from functools import cache
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker


def get_engine(url: str, autocommit: bool = False) -> Engine:
    """One engine per process (and one more, in autocommit, for requests that only read:
    switching a pooled connection's mode costs round trips on every request).

    No pre-ping either: it costs a round trip per request; stale connections after a
    database restart are recycled instead.
    """
    return _engine(url, autocommit)  # one cache key however the flag is passed


@cache  # never evict: an evicted engine drops its pool's open connections
def _engine(url: str, autocommit: bool) -> Engine:
    if autocommit:
        return create_engine(
            url,
            pool_size=5,
            max_overflow=10,
            pool_recycle=300,
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,
        )
    return create_engine(url, pool_size=5, max_overflow=10, pool_recycle=300)


def driver(session: Session) -> psycopg.Connection[Any]:
    """The psycopg connection under a session, in the session's transaction: for hot paths
    where SQLAlchemy's statement handling costs more than the query."""
    return session.connection().connection.driver_connection  # type: ignore[return-value]


def make_session(engine: Engine) -> Session:
    return sessionmaker(engine, expire_on_commit=False)()
