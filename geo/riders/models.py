"""Riders and their redemptions (migration 0047)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base


class Rider(Base):
    """A courier with a `rider` account, registered by their 驿站 (a courier post)."""

    __tablename__ = "riders"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    post_code: Mapped[str] = mapped_column(ForeignKey("facilities.code"), index=True)
    phone: Mapped[str | None] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class RiderRedemption(Base):
    """Points a rider spent at a 驿站, on what, recorded by whom."""

    __tablename__ = "rider_redemptions"
    __table_args__ = (CheckConstraint("points > 0", name="ck_rider_redemptions_points"),)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("riders.account_id", ondelete="CASCADE"), index=True
    )
    post_code: Mapped[str] = mapped_column(ForeignKey("facilities.code"))
    points: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
