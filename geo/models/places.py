"""The places: the hierarchy (streets, communities, grids), the zones and their buildings,
shops and stalls, facilities, roads."""

from __future__ import annotations

from datetime import date
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base, _gist, _poly, _valid
from geo.vocabulary import SRID


class District(Base):
    """Optional context outline (a district boundary a user loads); not in the hierarchy."""

    __tablename__ = "districts"
    __table_args__ = (_valid("districts"), _gist("districts"))
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    geom: Mapped[Any] = _poly()


class Street(Base):
    __tablename__ = "streets"
    __table_args__ = (
        _valid("streets"),
        _gist("streets"),
        CheckConstraint("code ~ '^[0-9]{9}$'", name="ck_streets_code"),
    )
    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = _poly()


class Community(Base):
    __tablename__ = "communities"
    __table_args__ = (
        _valid("communities"),
        _gist("communities"),
        CheckConstraint("code ~ '^[0-9]{12}$'", name="ck_communities_code"),
    )
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = _poly()


class Grid(Base):
    __tablename__ = "grids"
    __table_args__ = (
        _valid("grids"),
        _gist("grids"),
        CheckConstraint("code ~ '^[0-9]{15}$'", name="ck_grids_code"),
    )
    code: Mapped[str] = mapped_column(String(15), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"), index=True)
    households: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = _poly()


class Compound(Base):
    """居民小区 with its three parties (居委会 / 业委会 / 物业)."""

    __tablename__ = "compounds"
    __table_args__ = (
        _valid("compounds"),
        _gist("compounds"),
        CheckConstraint(
            "compound_type IN ('商品房', '老旧小区', '回迁安置')", name="ck_compounds_type"
        ),
        CheckConstraint("households >= 0", name="ck_compounds_households"),
        CheckConstraint(
            "committee_kind IN ('业委会', '物管委', '社区托管', '无')",
            name="ck_compounds_committee_kind",
        ),
        CheckConstraint(
            "property_level IN ('甲', '乙', '丙', '丁')", name="ck_compounds_property_level"
        ),
        CheckConstraint("fee_model IN ('包干制', '酬金制')", name="ck_compounds_fee_model"),
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"), index=True)
    households: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    compound_type: Mapped[str] = mapped_column(Text, default="商品房", server_default="商品房")
    property_company: Mapped[str | None] = mapped_column(Text)
    owners_committee: Mapped[str | None] = mapped_column(Text)
    contacts: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # 三方协同 (geo/vocabulary.py COMMITTEE_KINDS, PROPERTY_LEVELS, FEE_MODELS)
    committee_kind: Mapped[str] = mapped_column(Text, server_default="无")
    committee_term_start: Mapped[date | None] = mapped_column(Date)
    committee_term_end: Mapped[date | None] = mapped_column(Date)
    property_level: Mapped[str | None] = mapped_column(Text)  # NULL: not graded
    fee_model: Mapped[str | None] = mapped_column(Text)
    commissioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = _poly()


class ResidentialBuilding(Base):
    """楼幢 inside a compound; its lifts (geo/residential/words.py ELEVATOR_STATES): none, those
    it was built with (原有), added (加装) or renewed (更新), how many and when."""

    __tablename__ = "residential_buildings"
    __table_args__ = (
        _valid("residential_buildings"),
        _gist("residential_buildings"),
        CheckConstraint("households >= 0", name="ck_residential_buildings_households"),
        CheckConstraint(
            "elevator IN ('无', '原有', '加装', '更新')", name="ck_residential_buildings_elevator"
        ),
        CheckConstraint(
            "(elevator = '无') = (elevators = 0)", name="ck_residential_buildings_elevators"
        ),
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    compound_code: Mapped[str] = mapped_column(ForeignKey("compounds.code"), index=True)
    units: Mapped[int | None] = mapped_column(Integer)
    floors: Mapped[int | None] = mapped_column(Integer)
    households: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    year_built: Mapped[int | None] = mapped_column(Integer)
    elevator: Mapped[str] = mapped_column(Text, default="无", server_default="无")
    elevators: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    elevator_date: Mapped[date | None] = mapped_column(Date)
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = _poly()


class CompoundEntrance(Base):
    """A gate of a residential compound (小区出入口). Where a compound has any, the coverage
    graph walks from the compound's point to each gate, then to the road
    (geo/coverage/sql/coverage_graph.sql)."""

    __tablename__ = "compound_entrances"
    __table_args__ = (_gist("compound_entrances"),)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    compound_code: Mapped[str] = mapped_column(
        ForeignKey("compounds.code", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(Text)
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False))


class BusinessCommunity(Base):
    """商务社区: business buildings and parks governed together."""

    __tablename__ = "business_communities"
    __table_args__ = (_valid("business_communities"), _gist("business_communities"))
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    established_on: Mapped[date | None] = mapped_column(Date)
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = _poly()


class Building(Base):
    """楼宇 footprint, optionally part of a business community."""

    __tablename__ = "buildings"
    __table_args__ = (_valid("buildings"), _gist("buildings"))
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    business_community_code: Mapped[str | None] = mapped_column(
        ForeignKey("business_communities.code"), index=True
    )
    floors: Mapped[int | None] = mapped_column(Integer)
    firms: Mapped[int | None] = mapped_column(Integer)
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = _poly()


class OpenBlock(Base):
    """开放式街区, with the rules its shops agreed (一米红线, 门前三包 …)."""

    __tablename__ = "open_blocks"
    __table_args__ = (_valid("open_blocks"), _gist("open_blocks"))
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"), index=True)
    households: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rules: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = _poly()


class Shop(Base):
    """A shop (商铺) or stall (摊位) of an open block, and the party member who looks after it
    (包干: 党员+商铺)."""

    __tablename__ = "shops"
    __table_args__ = (
        _gist("shops"),
        CheckConstraint("kind IN ('shop', 'stall')", name="ck_shops_kind"),
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    open_block_code: Mapped[str] = mapped_column(ForeignKey("open_blocks.code"), index=True)
    kind: Mapped[str] = mapped_column(Text, server_default="shop")
    trade: Mapped[str | None] = mapped_column(Text)
    member_code: Mapped[str | None] = mapped_column(
        ForeignKey("party_members.code", ondelete="SET NULL")
    )
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False))


class FacilityKind(Base):
    __tablename__ = "facility_kinds"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class Facility(Base):
    __tablename__ = "facilities"
    __table_args__ = (_gist("facilities"),)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(ForeignKey("facility_kinds.code"), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    # what it offers beyond its kind (an integrated 党群服务中心: canteen, reading room …; a
    # 小哥之家: charging, water, rest …)
    services: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'::text[]"))
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False))


class RoadEdge(Base):
    """pgRouting-ready walking edge; source/target are network node ids, cost in metres."""

    __tablename__ = "road_edges"
    __table_args__ = (
        _valid("road_edges"),
        _gist("road_edges"),
        Index("ix_road_edges_source", "source"),
        Index("ix_road_edges_target", "target"),
        Index(
            "ix_road_edges_main_geom",
            "geom",
            postgresql_using="gist",
            postgresql_where=text("main"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source: Mapped[int] = mapped_column(BigInteger)
    target: Mapped[int] = mapped_column(BigInteger)
    length_m: Mapped[float] = mapped_column(Float)
    cost: Mapped[float] = mapped_column(Float)
    reverse_cost: Mapped[float] = mapped_column(Float)
    name: Mapped[str | None] = mapped_column(Text)
    component: Mapped[int | None] = mapped_column(BigInteger)
    main: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    geom: Mapped[Any] = mapped_column(Geometry("LINESTRING", srid=SRID, spatial_index=False))
