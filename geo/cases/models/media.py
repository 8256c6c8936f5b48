"""Photos of cases: each stored once, and tied to a case and a stage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base


class Media(Base):
    """A photo, stored once by the SHA-256 of its bytes: as sent (staff only: it may carry the
    phone's position), a public copy with no metadata, and a thumbnail."""

    __tablename__ = "media"
    __table_args__ = (
        CheckConstraint("mime IN ('image/jpeg', 'image/png', 'image/webp')", name="ck_media_mime"),
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(Text)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    original: Mapped[bytes] = mapped_column(LargeBinary)
    public: Mapped[bytes] = mapped_column(LargeBinary)
    thumb: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CaseMedia(Base):
    """A photo of a case at a stage (report, handling, verify), with the place its EXIF gave."""

    __tablename__ = "case_media"
    __table_args__ = (
        CheckConstraint("stage IN ('report', 'handling', 'verify')", name="ck_case_media_stage"),
        Index("ix_case_media_case", "case_id", "stage"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger)
    stage: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(ForeignKey("media.sha256"))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    uploaded_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
