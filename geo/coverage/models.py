"""Coverage's derived tables, rebuilt from the others (geo/coverage/derived.py): the coverage
graph and each compound's reach, facilities' walks and walking areas, the nearest facility."""

from __future__ import annotations

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    REAL,
    BigInteger,
    Float,
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
    walk ends in a compound, never passes through it): built by geo/coverage/sql/coverage_graph.sql,
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
    """Derived (geo/coverage/sql/facility_walks.sql): each stored facility's walking distance to
    each
    compound (coverage_targets.pid) within the built reach, from the function coverage_walks()
    (geo/coverage/sql/definitions/30_walking.sql). Marked stale by triggers on facilities and by a
    rebuild of coverage_graph; a coverage run reads its kind's rows and works out only added
    sites."""

    __tablename__ = "facility_walks"
    __table_args__ = (Index("ix_facility_walks_kind_d", "kind", "d"),)
    ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    pid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    d: Mapped[float] = mapped_column(Float)


class WalkingArea(Base):
    """Derived (geo/coverage/walking_areas.py): each facility's walking area, the reached network
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
    in EPSG:4549 metres too, for the straight-line nearest facility
    (geo/coverage/sql/coverage.sql)."""

    __tablename__ = "coverage_targets"
    __table_args__ = (
        _gist("coverage_targets"),
        Index("ix_coverage_targets_m", text("ST_Transform(geom, 4549)"), postgresql_using="gist"),
    )
    pid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ref: Mapped[str] = mapped_column(Text, unique=True)
    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False))
