"""The declarative base and the column helpers every model uses: EPSG:4326 storage, GiST
indexes, valid geometry (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    CheckConstraint,
    Index,
)
from sqlalchemy.orm import DeclarativeBase, mapped_column

from geo.vocabulary import SRID


class Base(DeclarativeBase):
    pass


def _poly(nullable: bool = False) -> Any:
    return mapped_column(
        Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False), nullable=nullable
    )


def _valid(table: str) -> CheckConstraint:
    return CheckConstraint("ST_IsValid(geom)", name=f"ck_{table}_geom_valid")


def _gist(table: str) -> Index:
    return Index(f"ix_{table}_geom", "geom", postgresql_using="gist")
