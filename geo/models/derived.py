"""Derived tables, rebuilt from the others (geo/derived.py), and the record of SQL definitions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Identity,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base, _gist
from geo.vocabulary import SRID


class CoverageGraph(Base):
    """The main walking network split where each compound joins it, plus each compound's access
    edges (from its access points' road nodes -aid into its node -pid - 1e9; reverse_cost -1: a
    walk ends in a compound, never passes through it): built by geo/sql/coverage_graph.sql,
    marked stale by triggers on compounds, compound_entrances and road_edges. Pieces keep their
    road edge and fractions."""

    __tablename__ = "coverage_graph"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source: Mapped[int] = mapped_column(BigInteger)
    target: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[float] = mapped_column(Float)
    reverse_cost: Mapped[float | None] = mapped_column(Float)
    edge_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    f0: Mapped[float | None] = mapped_column(Float)
    f1: Mapped[float | None] = mapped_column(Float)


class CoverageReach(Base):
    """Part of the coverage_graph build: each compound's (coverage_targets.pid) walking distance
    to every node of coverage_graph within the built reach (derived_tables.reach_m), snap leg
    included. A coverage run only snaps its facilities and looks their piece's two ends up
    here."""

    __tablename__ = "coverage_reach"
    node: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    pid: Mapped[int] = mapped_column(Integer, primary_key=True)
    cost: Mapped[float] = mapped_column(REAL)


class FacilityWalk(Base):
    """Derived (geo/sql/facility_walks.sql): each stored facility's walking distance to each
    compound (coverage_targets.pid) within the built reach, from the function coverage_walks()
    (geo/sql/definitions/30_walking.sql). Marked stale by triggers on facilities and by a
    rebuild of coverage_graph; a coverage run reads its kind's rows and works out only added
    sites."""

    __tablename__ = "facility_walks"
    __table_args__ = (Index("ix_facility_walks_kind_d", "kind", "d"),)
    ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    pid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    d: Mapped[float] = mapped_column(Float)


class WalkingArea(Base):
    """Derived (geo/walking_areas.py): each facility's walking area, the reached network
    buffered, at each of the planner's distances within the built reach. Marked stale by
    triggers on facilities and by a rebuild of coverage_graph."""

    __tablename__ = "walking_areas"
    __table_args__ = (_gist("walking_areas"),)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    threshold_m: Mapped[float] = mapped_column(Float, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    geom: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False))
    reached_m: Mapped[float] = mapped_column(Float)


class FacilityNearest(Base):
    """Derived with facility_walks: per facility kind, each compound's straight-line (geodesic)
    distance to the nearest facility, from the function straight_nearest() (migration 0007)."""

    __tablename__ = "facility_nearest"
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    pid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    d: Mapped[float] = mapped_column(Float)


class CoverageTarget(Base):
    """One point per compound (on its surface), numbered for coverage_graph's nodes; indexed
    in EPSG:4549 metres too, for the straight-line nearest facility (geo/sql/coverage.sql)."""

    __tablename__ = "coverage_targets"
    __table_args__ = (
        _gist("coverage_targets"),
        Index("ix_coverage_targets_m", text("ST_Transform(geom, 4549)"), postgresql_using="gist"),
    )
    pid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ref: Mapped[str] = mapped_column(Text, unique=True)
    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False))


class DerivedTable(Base):
    """Derived tables (coverage_graph, facility_walks, grid_slivers, walking_areas) and whether
    they need rebuilding: triggers on the tables they are built from set stale; geo/derived.py
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
