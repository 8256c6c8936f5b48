"""`gridmap migrate`: the Alembic migrations in geo/migrations, then the repeatable SQL
definitions (geo/definitions.py), then a rebuild of whatever derived table is stale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(
    url: str, revision: str = "head", progress: Callable[[str], None] | None = None
) -> None:
    command.upgrade(alembic_config(url), revision)
    if revision == "head":
        finish(url, progress)


def finish(url: str, progress: Callable[[str], None] | None = None) -> None:
    """After the schema is at head: apply changed definitions, rebuild stale derived tables
    (`progress` hears each, for a command's progress bar)."""
    from geo.cases.partitions import ensure_ahead
    from geo.coverage.derived import refresh_all
    from geo.definitions import apply_definitions
    from geo.settings import load_settings

    engine = create_engine(url)
    try:
        with Session(engine) as s:
            apply_definitions(s)
            s.execute(text("SELECT install_change_triggers()"))  # on tables added since
            ensure_ahead(s)  # this month's cases and the next ones' have somewhere to go
            refresh_all(s, load_settings().coverage_reach_m, progress)
            s.commit()
    finally:
        engine.dispose()


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
