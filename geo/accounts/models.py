"""Accounts, their areas, API keys, sign-in sessions and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base


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
            "'compound_commissioner', 'building_commissioner', 'planner', 'department', "
            "'inspector', 'rider')",
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
            "'business_community', 'building', 'unit')",
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
