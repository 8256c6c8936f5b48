"""What every command needs: the settings, the database URL, a session that closes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from geo.db import get_engine, make_session
from geo.errors import DomainError
from geo.settings import Settings, load_settings
from ops.database import local_cluster, resolve_url


def settings() -> Settings:
    return load_settings()


def database_url(db: str | None = None) -> str:
    """DATABASE_URL, or the private cluster's database `db` (default gridmap), started."""
    s = settings()
    if s.database_url or db is None:
        return resolve_url(s)
    return local_cluster(s).up(db)


@contextmanager
def session_for(url: str) -> Iterator[Session]:
    """A session, closed at the end; a domain error rolls back and exits with status 2."""
    session = make_session(get_engine(url))
    try:
        yield session
    except DomainError as exc:
        session.rollback()
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        session.close()
