"""Run the Alembic migrations shipped in geo/migrations against a database URL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
    if revision == "head":
        refresh_derived(url)


def refresh_derived(url: str) -> None:
    """Rebuild derived tables left stale (after migration 0005, or a change made outside the
    loaders) once here, not in every request that reads them: requests roll back their writes."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from geo.derived import refresh_all

    engine = create_engine(url)
    try:
        with Session(engine) as s:
            if refresh_all(s):
                s.commit()
    finally:
        engine.dispose()


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
