"""The derived tables' freshness record, grid slivers, the record of SQL definitions and of data
changes (the tile cache's versions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Identity,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base, _gist
from geo.vocabulary import SRID


class DerivedTable(Base):
    """Derived tables (coverage_graph, facility_walks, grid_slivers, walking_areas) and whether
    they need rebuilding: triggers on the tables they are built from set stale;
    geo/coverage/derived.py
    rebuilds."""

    __tablename__ = "derived_tables"
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    stale: Mapped[bool] = mapped_column(Boolean)
    built_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reach_m: Mapped[float | None] = mapped_column(Float)  # the coverage tables' walking reach


class GridSliver(Base):
    """Where two grids' interiors overlap (digitising slivers, often a fraction of a square
    metre): a point there is inside both, and the batch rule groups it like a border point."""

    __tablename__ = "grid_slivers"
    __table_args__ = (_gist("grid_slivers"),)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(String(15))
    other: Mapped[str] = mapped_column(String(15))
    geom: Mapped[Any] = mapped_column(Geometry("GEOMETRY", srid=SRID, spatial_index=False))


class SqlDefinition(Base):
    """Which text of each repeatable SQL definitions file is applied (geo/definitions.py)."""

    __tablename__ = "sql_definitions"
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DataChange(Base):
    """Which table a write statement touched (n statements, once compacted): insert-only, written
    by the triggers of geo/sql/definitions/60_changes.sql. The sum of n over a layer's tables
    only grows, so a cache keyed by it never serves a result from before a committed change."""

    __tablename__ = "data_changes"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    table_name: Mapped[str] = mapped_column(Text, index=True)
    n: Mapped[int] = mapped_column(BigInteger)
