"""Deliberation meetings (议事): the meeting, its agenda (cases among them) and follow-up
actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base


class Meeting(Base):
    """A deliberation meeting (红茶议事会 …) at a place: scheduled → decided → closed (every
    follow-up action done). Words in geo/vocabulary.py (MEETING_*)."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('红茶议事会', '小区说事亭', '三和楼事会', '专题议事会', '联席会议', "
            "'小哥治家会', '其他')",
            name="ck_meetings_kind",
        ),
        CheckConstraint(
            "place_kind IN ('compound', 'residential_building', 'open_block', "
            "'business_community', 'building', 'district', 'street', 'community', 'facility')",
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
        ForeignKey("case_keys.case_id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
