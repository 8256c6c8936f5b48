"""Who serves a place: party organisations and members, partner units, grid workers."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base


class PartyOrg(Base):
    """Party organisation bound to the area it serves (area_kind, area_code) and to its parent."""

    __tablename__ = "party_orgs"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('community_committee', 'compound_branch', 'stairwell_branch', "
            "'business_branch', 'block_org', 'mobile_branch', 'building_committee', "
            "'chain_branch')",
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


class Worker(Base):
    """Grid worker (网格员) bound to one grid."""

    __tablename__ = "workers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    grid_code: Mapped[str] = mapped_column(ForeignKey("grids.code"), index=True)
