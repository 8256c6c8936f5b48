"""The command centre's tables: handling units, notices and their webhook deliveries, the
district's working calendar."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    Time,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base


class Unit(Base):
    """A handling unit (处置单位) cases are dispatched to: a street or community office, a grid,
    a department (城管执法中队, 市场监管所, 派出所 …), a utility or partner, a property company;
    area_code is the area it serves. A department account's areas are its units' codes."""

    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('street_office', 'community_office', 'grid', 'department', 'utility', "
            "'partner', 'property', 'three_party_office')",
            name="ck_units_kind",
        ),
        CheckConstraint("code ~ '^U[0-9A-Z]{2,31}$'", name="ck_units_code"),
        Index("ix_units_area_code", "area_code"),
    )
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    area_code: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Notice(Base):
    """A notice a workflow step wrote in its own transaction (an outbox): to an account or to
    every account of a unit; read in the inbox, delivered to webhooks by `gridmap notify`."""

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(
            "account_id IS NOT NULL OR unit_code IS NOT NULL", name="ck_notices_addressee"
        ),
        Index("ix_notices_account", "account_id", "read_at"),
        Index("ix_notices_unit", "unit_code", "read_at"),
        Index("ix_notices_case_kind", "case_id", "kind"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[int | None] = mapped_column(BigInteger)
    unit_code: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(Text)
    body: Mapped[Any] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Webhook(Base):
    """Where `gridmap notify` delivers notices: a URL and the secret it signs them with."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    secret: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NoticeDelivery(Base):
    """One notice to one webhook: written with the notice, sent once (delivered_at), retried
    with back-off (attempts, next_at) until then."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (
        Index(
            "ix_notice_deliveries_due",
            "webhook_id",
            "next_at",
            postgresql_where=text("delivered_at IS NULL"),
        ),
    )
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), primary_key=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)


class CalendarDay(Base):
    """A day that is not as its weekday says: a public holiday (working false) or a make-up
    working day on a weekend (working true), loaded per year (`gridmap calendar FILE`)."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)


class WorkPeriod(Base):
    """A working day's working hours (district time): 08:30-12:00 and 13:30-17:30 by default."""

    __tablename__ = "work_periods"
    __table_args__ = (CheckConstraint("starts < ends", name="ck_work_periods_order"),)
    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)


class WorkClockDay(Base):
    """The district's working clock, by day (derived from calendar_days and work_periods by
    refresh_work_clock(), geo/cases/sql/definitions/68_working_hours.sql): whether the day
    works, and the working seconds of all days before it since the clock's start."""

    __tablename__ = "work_clock_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    before_s: Mapped[float] = mapped_column(Double)


class WorkClockSecond(Base):
    """The working clock within a working day, by second of the day: whether the second is
    in a work period, and the working seconds of the day before it."""

    __tablename__ = "work_clock_seconds"
    second: Mapped[int] = mapped_column(Integer, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    before_s: Mapped[float] = mapped_column(Double)
