"""Every table of every domain on one MetaData, for Alembic (env.py) and the test that holds
the models equal to the migrations (tests/core/test_vocabulary.py): the core's models
(geo/models/) and each domain package's `models` module, found by walking geo/, so a new
domain's tables are gathered without an edit here."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import geo
from geo.models import derived, organisations, places
from geo.models.base import Base


def domain_models() -> list[ModuleType]:
    """The `models` module of each domain package under geo/ that has one."""
    found = []
    for info in pkgutil.iter_modules(geo.__path__):
        if info.ispkg and info.name not in {"models", "migrations", "sql"}:
            try:
                found.append(importlib.import_module(f"geo.{info.name}.models"))
            except ModuleNotFoundError as exc:
                if exc.name != f"geo.{info.name}.models":
                    raise
    return found


CORE = (derived, organisations, places)
DOMAINS = tuple(domain_models())
metadata = Base.metadata
