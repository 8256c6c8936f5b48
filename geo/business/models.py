"""The business domain's tables: business communities' activities, firms, visit requests and
visits, and the three lists (needs and offers)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base
from geo.vocabulary import SRID


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


class Firm(Base):
    """A firm in a business building, by its 统一社会信用代码 (geo/business/credit_code.py)."""

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


class Visit(Base):
    """A visit to a firm by the commissioner of its building, on a working day inside the
    window its requests share (geo/business/visits.py)."""

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


class PartyOrgFirm(Base):
    """A firm a party organisation spans: a building's governance committee (楼宇治理委员会)
    its building's firms, an industry-chain branch (产业链党支部) the firms along its chain."""

    __tablename__ = "party_org_firms"
    org_code: Mapped[str] = mapped_column(
        ForeignKey("party_orgs.code", ondelete="CASCADE"), primary_key=True
    )
    firm_code: Mapped[str] = mapped_column(
        ForeignKey("firms.code", ondelete="CASCADE"), primary_key=True, index=True
    )
