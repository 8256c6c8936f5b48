"""The data model (docs/architecture.md): EPSG:4326 storage, GiST indexes, valid geometry.

Codes follow GB/T 30428's pattern: street 9 digits, community 12, grid 15.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


class BusinessActivity(Base):
    """An activity a business community holds for its firms and their staff."""

    __tablename__ = "business_activities"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('政策宣讲', '培训', '沙龙', '招聘', '联谊', '志愿服务', '其他')",
            name="ck_business_activities_kind",
        ),
        Index("ix_business_activities_bc", "business_community_code", "held_on"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    business_community_code: Mapped[str] = mapped_column(
        ForeignKey("business_communities.code", ondelete="CASCADE")
    )
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    participants: Mapped[int | None] = mapped_column(Integer)


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


class ResidentialBuilding(Base):
    """楼幢 inside a compound; its lifts (geo/vocabulary.py ELEVATOR_STATES): none, added (加装)
    or renewed (更新), how many (one per unit as a rule) and when."""

    __tablename__ = "residential_buildings"
    __table_args__ = (
        _valid("residential_buildings"),
        _gist("residential_buildings"),
        CheckConstraint("households >= 0", name="ck_residential_buildings_households"),
        CheckConstraint(
            "elevator IN ('无', '加装', '更新')", name="ck_residential_buildings_elevator"
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


class Firm(Base):
    """A firm in a business building, by its 统一社会信用代码 (geo/credit_code.py)."""

    __tablename__ = "firms"
    __table_args__ = (
        CheckConstraint("code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'", name="ck_firms_code"),
        CheckConstraint("employees >= 0", name="ck_firms_employees"),
    )
    code: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    building_code: Mapped[str] = mapped_column(ForeignKey("buildings.code"), index=True)
    industry: Mapped[str | None] = mapped_column(Text)
    employees: Mapped[int | None] = mapped_column(Integer)
    key_taxpayer: Mapped[bool] = mapped_column(Boolean, server_default="false")
    registered_capital: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    schematic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class PartyMember(Base):
    """A party member of an organisation (a block's temporary one, say), mobile (流动党员) or
    not; names are personal data, shown as reporters are (geo/access.py)."""

    __tablename__ = "party_members"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    org_code: Mapped[str] = mapped_column(ForeignKey("party_orgs.code"), index=True)
    mobile: Mapped[bool] = mapped_column(Boolean, server_default="false")
    phone: Mapped[str | None] = mapped_column(Text)


class PartnerUnit(Base):
    """A block's partner unit (联建单位): police station, market supervision, enforcement."""

    __tablename__ = "partner_units"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('派出所', '市场监管所', '执法中队', '其他')", name="ck_partner_units_kind"
        ),
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    open_block_code: Mapped[str] = mapped_column(ForeignKey("open_blocks.code"))


class MemberPartner(Base):
    """党员+联建单位: a party member linked to a partner unit."""

    __tablename__ = "member_partners"
    member_code: Mapped[str] = mapped_column(
        ForeignKey("party_members.code", ondelete="CASCADE"), primary_key=True
    )
    partner_code: Mapped[str] = mapped_column(
        ForeignKey("partner_units.code", ondelete="CASCADE"), primary_key=True
    )


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


class Visit(Base):
    """A visit to a firm by the commissioner of its building, on a working day inside the
    window its requests share (geo/visits.py)."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'done', 'cancelled')", name="ck_visits_status"),
        CheckConstraint("visit_on BETWEEN window_start AND window_end", name="ck_visits_window"),
        Index("ix_visits_commissioner_day", "commissioner_id", "visit_on"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    firm_code: Mapped[str] = mapped_column(ForeignKey("firms.code"), index=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    visit_on: Mapped[date] = mapped_column(Date)
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    urgent: Mapped[bool] = mapped_column(Boolean, server_default="false")
    status: Mapped[str] = mapped_column(Text, server_default="planned")
    outcome: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VisitRequest(Base):
    """A department's request to visit a firm: purpose, window, urgent or not; the visit it
    joined or made."""

    __tablename__ = "visit_requests"
    __table_args__ = (
        CheckConstraint(
            "department IN ('市场监管', '税务', '人社', '统计', '商务', '科技', '经信', '消防', "
            "'其他')",
            name="ck_visit_requests_department",
        ),
        CheckConstraint("latest >= earliest", name="ck_visit_requests_window"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    firm_code: Mapped[str] = mapped_column(ForeignKey("firms.code"))
    department: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    earliest: Mapped[date] = mapped_column(Date)
    latest: Mapped[date] = mapped_column(Date)
    urgent: Mapped[bool] = mapped_column(Boolean, server_default="false")
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Offer(Base):
    """What the community can offer (社区所能): a policy item, one of the twenty building-service
    measures, a venue or a service, answering one need category; venues and services have a
    place (a facility's, or their own)."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("kind IN ('policy', 'measure', 'venue', 'service')", name="ck_offers_kind"),
        Index("ix_offers_geom", "geom", postgresql_using="gist"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text, index=True)
    title: Mapped[str] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(Text)
    facility_code: Mapped[str | None] = mapped_column(ForeignKey("facilities.code"))
    geom: Mapped[Any] = mapped_column(
        Geometry("POINT", srid=SRID, spatial_index=False), nullable=True
    )


class Need(Base):
    """A firm's need (企业所需) or its employees' wish (职工所盼) on the three lists, closed at
    the level where it was settled."""

    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint("kind IN ('firm', 'employee')", name="ck_needs_kind"),
        CheckConstraint("status IN ('open', 'assigned', 'closed')", name="ck_needs_status"),
        CheckConstraint(
            "settled_level IS NULL OR settled_level IN "
            "('building', 'business_community', 'street', 'district')",
            name="ck_needs_settled_level",
        ),
        CheckConstraint(
            "(status = 'closed') = (settled_level IS NOT NULL)", name="ck_needs_closed_level"
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    firm_code: Mapped[str] = mapped_column(ForeignKey("firms.code"), index=True)
    text: Mapped[str] = mapped_column(Text)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    status: Mapped[str] = mapped_column(Text, server_default="open")
    assignee: Mapped[str | None] = mapped_column(Text)
    settled_level: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


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


class PartyOrg(Base):
    """Party organisation bound to the area it serves (area_kind, area_code) and to its parent."""

    __tablename__ = "party_orgs"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('community_committee', 'compound_branch', 'stairwell_branch', "
            "'business_branch', 'block_org', 'mobile_branch')",
            name="ck_party_orgs_kind",
        ),
        CheckConstraint(
            "area_kind IN ('street', 'community', 'compound', 'residential_building', "
            "'business_community', 'building', 'open_block')",
            name="ck_party_orgs_area_kind",
        ),
        Index("ix_party_orgs_area", "area_kind", "area_code"),
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("party_orgs.code"), index=True)
    area_kind: Mapped[str] = mapped_column(Text)
    area_code: Mapped[str] = mapped_column(Text)
    members: Mapped[int | None] = mapped_column(Integer)


class Worker(Base):
    """Grid worker (网格员) bound to one grid."""

    __tablename__ = "workers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grids.code"), index=True)


class CompoundEntrance(Base):
    """A gate of a residential compound (小区出入口). Where a compound has any, the coverage
    graph walks from the compound's point to each gate, then to the road
    (geo/sql/coverage_graph.sql)."""

    __tablename__ = "compound_entrances"
    __table_args__ = (_gist("compound_entrances"),)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    compound_code: Mapped[str] = mapped_column(
        ForeignKey("compounds.code", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(Text)
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


class Category(Base):
    """Case category: GB/T 30428 event classes plus the district's governance cases."""

    __tablename__ = "categories"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    group_name: Mapped[str] = mapped_column(Text)
    sla_hours: Mapped[int] = mapped_column(Integer)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        _gist("cases"),
        CheckConstraint(
            "status IN ('reported', 'assigned', 'accepted', 'resolved', 'closed', 'returned', "
            "'duplicate')",
            name="ck_cases_status",
        ),
        CheckConstraint(
            "rule IS NULL OR rule IN ('covers', 'boundary', 'snapped')", name="ck_cases_rule"
        ),
        Index("ix_cases_created_at", "created_at"),
        Index(  # a key is its caller's: scope is the account, key or anonymous client
            "ix_cases_idempotency_key",
            "idempotency_scope",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
        Index("ix_cases_category_created", "category_code", "created_at"),
        Index("ix_cases_public_token", "public_token", unique=True),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    received_lon: Mapped[float] = mapped_column(Float)
    received_lat: Mapped[float] = mapped_column(Float)
    received_crs: Mapped[str] = mapped_column(String(10), default="wgs84")
    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    reporter_name: Mapped[str | None] = mapped_column(Text)
    reporter_phone: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="api", server_default="api")
    status: Mapped[str] = mapped_column(Text, default="reported", server_default="reported")
    street_code: Mapped[str | None] = mapped_column(String(9))
    community_code: Mapped[str | None] = mapped_column(String(12))
    grid_code: Mapped[str | None] = mapped_column(String(15), index=True)
    zone_kind: Mapped[str | None] = mapped_column(Text)
    zone_code: Mapped[str | None] = mapped_column(Text)
    party_org_code: Mapped[str | None] = mapped_column(Text)
    residential_building_code: Mapped[str | None] = mapped_column(Text)
    stairwell_branch_code: Mapped[str | None] = mapped_column(Text)
    worker_id: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[str | None] = mapped_column(Text)
    outside: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    distance_m: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    idempotency_key: Mapped[str | None] = mapped_column(Text)
    idempotency_scope: Mapped[str | None] = mapped_column(Text)
    # What the public sees as the case's id (Open311): unguessable, unlike the sequential id.
    public_token: Mapped[str] = mapped_column(
        String(32), server_default=text("replace(gen_random_uuid()::text, '-', '')")
    )
    request_hash: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A batch-imported case: its part of the file (case_imports), the record of its creation.
    # No foreign key, like the codes above (see migration 0011).
    import_id: Mapped[int | None] = mapped_column(BigInteger)


class ApiKey(Base):
    """API keys, stored as SHA-256 of the key; a key may be bound to one grid worker."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(Text)
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The account a machine client acts for: its role and areas (geo/access.py).
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))


class Account(Base):
    """A person (or a machine client's owner) with one role and one or more areas."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'command', 'street', 'community', 'grid_worker', "
            "'compound_commissioner', 'building_commissioner', 'planner', 'department')",
            name="ck_accounts_role",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(Text)  # Argon2id; None: proxy/OIDC only
    must_change_password: Mapped[bool] = mapped_column(Boolean, server_default="true")
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccountArea(Base):
    """An area an account answers for (geo/access.py: a code covers what its codes begin with)."""

    __tablename__ = "account_areas"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('district', 'street', 'community', 'grid', 'compound', "
            "'business_community', 'building')",
            name="ck_account_areas_kind",
        ),
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(Text, primary_key=True)


class AuthSession(Base):
    """A signed-in browser: the cookie's token (stored as its SHA-256) and its CSRF token."""

    __tablename__ = "auth_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only (a trigger refuses updates): sign-ins, reads of unmasked personal data,
    changes; who, when, what, from where. Old rows are purged after the retention period."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_signin", "action", "username", "at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    account_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(Text)
    ok: Mapped[bool] = mapped_column(Boolean, server_default="true")
    address: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[Any] = mapped_column(JSONB, nullable=True)


class CaseEvent(Base):
    """Append-only trail: every transition and reassignment of a case, and the creation of a
    case reported on its own (a batch-imported case's creation is its case_imports record)."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    from_status: Mapped[str | None] = mapped_column(Text)
    to_status: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class Meeting(Base):
    """A deliberation meeting (红茶议事会 …) at a place: scheduled → decided → closed (every
    follow-up action done). Words in geo/vocabulary.py (MEETING_*)."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('红茶议事会', '小区说事亭', '三和楼事会', '专题议事会', '其他')",
            name="ck_meetings_kind",
        ),
        CheckConstraint(
            "place_kind IN ('compound', 'residential_building', 'open_block', "
            "'business_community', 'building')",
            name="ck_meetings_place_kind",
        ),
        CheckConstraint(
            "topic_class IN ('设施维修', '垃圾分类', '消防安全', '环境整治', '街区发展', "
            "'物业服务', '其他')",
            name="ck_meetings_topic_class",
        ),
        CheckConstraint("status IN ('scheduled', 'decided', 'closed')", name="ck_meetings_status"),
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('agreed', 'partly', 'deferred')",
            name="ck_meetings_outcome",
        ),
        Index("ix_meetings_place", "place_kind", "place_code"),
        Index("ix_meetings_held_on", "held_on"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    place_kind: Mapped[str] = mapped_column(Text)
    place_code: Mapped[str] = mapped_column(Text)
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(Text)
    topic_class: Mapped[str] = mapped_column(Text)
    participants: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    status: Mapped[str] = mapped_column(Text, server_default="scheduled")
    outcome: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MeetingAction(Base):
    """A meeting's follow-up action: what, who, by when, open or done."""

    __tablename__ = "meeting_actions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done')", name="ck_meeting_actions_status"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(Text, server_default="open")
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class MeetingAgenda(Base):
    """A case on a meeting's agenda (议题)."""

    __tablename__ = "meeting_agenda"
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RenewalProject(Base):
    """A renewal (有机更新) project of a compound; its progress counts from started_on, its
    curve from the mobilisation meeting (mobilised_on)."""

    __tablename__ = "renewal_projects"
    __table_args__ = (
        CheckConstraint("mobilised_on >= started_on", name="ck_renewal_projects_dates"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    compound_code: Mapped[str] = mapped_column(ForeignKey("compounds.code"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    mobilised_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RenewalBuilding(Base):
    """A building in a project's scope: its households, its representative, its work group."""

    __tablename__ = "renewal_buildings"
    __table_args__ = (CheckConstraint("households >= 0", name="ck_renewal_buildings_households"),)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("renewal_projects.id", ondelete="CASCADE"), primary_key=True
    )
    building_code: Mapped[str] = mapped_column(
        String(40), ForeignKey("residential_buildings.code"), primary_key=True
    )
    households: Mapped[int] = mapped_column(Integer)
    representative: Mapped[str | None] = mapped_column(Text)
    group_name: Mapped[str | None] = mapped_column(Text)


class RenewalSigning(Base):
    """One household's signature (a room, no personal name)."""

    __tablename__ = "renewal_signings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "building_code"],
            ["renewal_buildings.project_id", "renewal_buildings.building_code"],
            ondelete="CASCADE",
        ),
        UniqueConstraint(
            "project_id", "building_code", "household", name="uq_renewal_signings_household"
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    project_id: Mapped[int] = mapped_column(BigInteger)
    building_code: Mapped[str] = mapped_column(String(40))
    household: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(Text)


class CaseImport(Base):
    """One committed part of a batch file: its rows first_row..last_row (1-based, header not
    counted) of the file whose SHA-256 is digest. A file is imported in parts, each in its own
    transaction; re-submitting the file imports only the parts not recorded here."""

    __tablename__ = "case_imports"
    __table_args__ = (UniqueConstraint("digest", "first_row", name="uq_case_imports_part"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64))
    first_row: Mapped[int] = mapped_column(Integer)
    last_row: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


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
