"""A patrol and its points: the phone sends its track in pieces, each point with its number
in the patrol, so a piece sent twice is kept once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base, _gist
from geo.vocabulary import SRID


class Patrol(Base):
    """One walk of one worker: started, its points, ended (or still under way). Its grid is the
    worker's grid when it started (the roads it is measured against); kept for
    settings.patrol_keep_days, then purged."""

    __tablename__ = "patrols"
    __table_args__ = (
        Index("ix_patrols_key", "account_id", "idempotency_key", unique=True),
        Index("ix_patrols_started_at", "started_at"),
        Index("ix_patrols_grid_started", "grid_code", "started_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    username: Mapped[str] = mapped_column(Text)
    grid_code: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    idempotency_key: Mapped[str | None] = mapped_column(Text)


class PatrolPoint(Base):
    """A point of a patrol's track (WGS84), as the phone fixed it, with its accuracy."""

    __tablename__ = "patrol_points"
    __table_args__ = (
        CheckConstraint("seq >= 0", name="ck_patrol_points_seq"),
        CheckConstraint("accuracy_m >= 0", name="ck_patrol_points_accuracy"),
        _gist("patrol_points"),  # the staff's map of last positions asks by place
    )
    patrol_id: Mapped[int] = mapped_column(
        ForeignKey("patrols.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False))
    accuracy_m: Mapped[float | None] = mapped_column(Float)
