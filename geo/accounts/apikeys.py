"""API keys: random tokens shown once, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import Conflict


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(
    session: Session,
    label: str,
    worker_id: str | None = None,
    key: str | None = None,
    *,
    account: str | None = None,
) -> str:
    """Store a new key (random unless given) for an account (by username: the key acts with
    its role and areas) and return it; only its hash is kept. A given key that exists is
    relabelled; a revoked one stays revoked (Conflict): revoking is for good."""
    key = key or "gm_" + secrets.token_urlsafe(24)
    stored = session.execute(
        text(
            "INSERT INTO api_keys (key_hash, label, worker_id, account_id) "
            "VALUES (:h, :l, :w, (SELECT id FROM accounts WHERE username = :a)) "
            "ON CONFLICT (key_hash) DO UPDATE SET label = EXCLUDED.label, "
            "account_id = EXCLUDED.account_id WHERE api_keys.revoked_at IS NULL "
            "RETURNING id"
        ),
        {"h": hash_key(key), "l": label, "w": worker_id, "a": account},
    ).scalar_one_or_none()
    if stored is None:
        raise Conflict("该 API 密钥已吊销，不能再启用；请新建一个密钥")
    return key


def revoke_key(session: Session, key: str) -> bool:
    res = session.execute(
        text("UPDATE api_keys SET revoked_at = now() WHERE key_hash = :h AND revoked_at IS NULL"),
        {"h": hash_key(key)},
    )
    return bool(res.rowcount)  # type: ignore[attr-defined]


def key_account(session: Session, key: str) -> tuple[int, int] | None:
    """(key id, account id) of an active key bound to an account; None otherwise."""
    row = session.execute(
        text(
            "SELECT id, account_id FROM api_keys WHERE key_hash = :h AND revoked_at IS NULL "
            "AND account_id IS NOT NULL"
        ),
        {"h": hash_key(key)},
    ).one_or_none()
    return None if row is None else (int(row.id), int(row.account_id))
