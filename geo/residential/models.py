"""Renewal projects (旧改): the project, its buildings and the households' dated signings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base


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


class Society(Base):
    """A residents' society (群众性社团) of a compound: its kind (geo/residential/words.py
    SOCIETY_KINDS), members, founding day and contact (shown masked, like a reporter's)."""

    __tablename__ = "societies"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('文体', '志愿', '互助', '议事', '其他')", name="ck_societies_kind"
        ),
        CheckConstraint("members >= 0", name="ck_societies_members"),
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    compound_code: Mapped[str] = mapped_column(ForeignKey("compounds.code"), index=True)
    members: Mapped[int] = mapped_column(Integer, server_default="0")
    founded_on: Mapped[date | None] = mapped_column(Date)
    contact_name: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(Text)


class SocietyActivity(Base):
    """One activity a society held (counted per compound)."""

    __tablename__ = "society_activities"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    society_code: Mapped[str] = mapped_column(
        ForeignKey("societies.code", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(Text)
    participants: Mapped[int | None] = mapped_column(Integer)
