"""Accounts: people with a role and areas; passwords (Argon2id), sign-in with throttling, and
browser sessions (a random token in the cookie, its SHA-256 here, and a CSRF token).

Who may see and do what is geo/access.py; what is logged, geo/accounts/audit.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass, field, replace
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts import answers
from geo.accounts.audit import record
from geo.codes import area_kind_of
from geo.errors import BadInput, Conflict, NotAuthenticated, TooManyAttempts
from geo.vocabulary import ACCOUNT_AREA_KINDS, ROLES

HASHER = PasswordHasher()  # Argon2id, the library's current parameters
MIN_PASSWORD = 10
# Sign-in failures within the window before further attempts are refused (429).
SIGNIN_WINDOW = timedelta(minutes=15)
# Failed sign-ins within the window before further attempts are refused: for an account from
# one address (a guesser), from one address (a guesser of many accounts), and for an account
# from anywhere (a spread-out guesser; high, so that one wrong password now and then from
# elsewhere cannot lock the real user out).
FAILURES_PER_ACCOUNT_ADDRESS = 5
FAILURES_PER_ADDRESS = 20
FAILURES_PER_ACCOUNT = 50


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    areas: tuple[tuple[str, str], ...]  # (kind, code)
    display_name: str | None = None
    worker_id: str | None = None
    must_change_password: bool = False
    csrf_token: str | None = field(default=None, compare=False)

    def as_dict(self) -> answers.Account:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "role_label": ROLES[self.role],
            "areas": [{"kind": k, "code": c} for k, c in self.areas],
            "worker_id": self.worker_id,
            "must_change_password": self.must_change_password,
        }


def area_kind(code: str) -> str:
    """The kind of area a code names, from its shape (codes nest: 330105 → 330105001 → …)."""
    kind = area_kind_of(code)
    if kind is not None:
        return kind
    raise BadInput(f"「{code}」不是辖区编码（区、街道、社区、网格、小区、商务社区或楼宇）")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"密码至少 {MIN_PASSWORD} 个字符")


def add_account(
    session: Session,
    username: str,
    role: str,
    areas: list[str],
    password: str | None,
    *,
    display_name: str | None = None,
    worker_id: str | None = None,
    must_change: bool = True,
) -> int:
    """A new account; areas are codes (their kinds follow from them). No password: it signs
    in only through the identity service (proxy header)."""
    if role not in ROLES:
        raise BadInput(f"未知角色「{role}」，可选：{'、'.join(ROLES)}")
    if not areas:
        raise BadInput("账号至少需要一个辖区（全区用区的编码）")
    if not (username and len(username) <= 64 and username.isprintable()):
        raise BadInput("用户名须为 1 至 64 个可打印字符")
    kinds = [(area_kind(code), code) for code in areas]
    assert all(k in ACCOUNT_AREA_KINDS for k, _ in kinds)
    if password is not None:
        check_password(password)
    exists = session.execute(
        text("SELECT 1 FROM accounts WHERE username = :u"), {"u": username}
    ).first()
    if exists:
        raise Conflict(f"账号「{username}」已存在")
    account_id = session.execute(
        text(
            "INSERT INTO accounts (username, display_name, role, password_hash, "
            "must_change_password, worker_id) VALUES (:u, :d, :r, :h, :m, :w) RETURNING id"
        ),
        {
            "u": username,
            "d": display_name,
            "r": role,
            "h": HASHER.hash(password) if password is not None else None,
            "m": must_change and password is not None,
            "w": worker_id,
        },
    ).scalar_one()
    for kind, code in kinds:
        session.execute(
            text("INSERT INTO account_areas (account_id, kind, code) VALUES (:a, :k, :c)"),
            {"a": account_id, "k": kind, "c": code},
        )
    return int(account_id)


def import_accounts(session: Session, data: bytes) -> list[dict[str, object]]:
    """Accounts from CSV (用户名/username, 角色/role, 辖区/areas separated by spaces or ;,
    密码/password, 姓名/display_name, 网格员编号/worker_id): a report per row; good rows are
    added, bad ones say why."""
    names = {
        "用户名": "username",
        "角色": "role",
        "辖区": "areas",
        "密码": "password",
        "姓名": "display_name",
        "网格员编号": "worker_id",
    }
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    report: list[dict[str, object]] = []
    for n, row in enumerate(rows, start=2):
        r = {
            names.get((k or "").strip(), (k or "").strip()): (v or "").strip()
            for k, v in row.items()
        }
        try:
            with session.begin_nested():
                add_account(
                    session,
                    r.get("username", ""),
                    r.get("role", ""),
                    r.get("areas", "").replace(";", " ").split(),
                    r.get("password") or None,
                    display_name=r.get("display_name") or None,
                    worker_id=r.get("worker_id") or None,
                )
            report.append({"row": n, "username": r.get("username"), "ok": True})
        except (BadInput, Conflict) as exc:
            report.append(
                {"row": n, "username": r.get("username"), "ok": False, "reason": str(exc)}
            )
    return report


def load_account(session: Session, account_id: int) -> Account | None:
    row = session.execute(
        text(
            "SELECT a.id, a.username, a.role, a.display_name, a.worker_id, "
            # an account with no password (signed in by the identity service only) has none
            # to change: it is never held at the change
            "a.must_change_password AND a.password_hash IS NOT NULL AS must_change_password, "
            "array_agg(ARRAY[r.kind, r.code] ORDER BY r.code) FILTER (WHERE r.code IS NOT NULL) "
            "AS areas FROM accounts a LEFT JOIN account_areas r ON r.account_id = a.id "
            "WHERE a.id = :i AND a.disabled_at IS NULL GROUP BY a.id"
        ),
        {"i": account_id},
    ).one_or_none()
    if row is None:
        return None
    return Account(
        row.id,
        row.username,
        row.role,
        tuple((k, c) for k, c in (row.areas or [])),
        row.display_name,
        row.worker_id,
        row.must_change_password,
    )


def find_account(session: Session, username: str) -> Account | None:
    account_id = session.execute(
        text("SELECT id FROM accounts WHERE username = :u AND disabled_at IS NULL"),
        {"u": username},
    ).scalar()
    return None if account_id is None else load_account(session, int(account_id))


def list_accounts(session: Session) -> list[dict[str, object]]:
    rows = session.execute(
        text(
            "SELECT a.username, a.role, a.display_name, a.disabled_at IS NOT NULL AS disabled, "
            "string_agg(r.code, ' ' ORDER BY r.code) AS areas "
            "FROM accounts a LEFT JOIN account_areas r ON r.account_id = a.id "
            "GROUP BY a.id ORDER BY a.username"
        )
    ).all()
    return [dict(r._mapping) for r in rows]


def disable_account(session: Session, username: str) -> bool:
    """Disable an account: its sessions end and its API keys stop working."""
    account_id = session.execute(
        text(
            "UPDATE accounts SET disabled_at = now() WHERE username = :u "
            "AND disabled_at IS NULL RETURNING id"
        ),
        {"u": username},
    ).scalar()
    if account_id is None:
        return False
    session.execute(text("DELETE FROM auth_sessions WHERE account_id = :a"), {"a": account_id})
    return True


# Failed sign-ins within the window: for the account from this address, for the account, from
# the address. A refused attempt (throttled) is logged but not counted: it checked nothing.
_FAILURES = """
SELECT count(*) FILTER (WHERE username = :u AND address = :a) AS account_address,
       count(*) FILTER (WHERE username = :u) AS account,
       count(*) FILTER (WHERE address = :a) AS address
FROM audit_log
WHERE action = 'signin' AND NOT ok AND at > now() - :w AND (username = :u OR address = :a)
  AND detail->>'throttled' IS NULL
"""


def sign_in(session: Session, username: str, password: str, address: str) -> Account:
    """The account if the password is right; every attempt is logged, and past the failures
    allowed within SIGNIN_WINDOW (for the account from this address, from the address, for the
    account) further attempts are refused before the password is checked.

    Attempts on one account are taken one at a time (a transaction-level advisory lock, held
    until the caller commits the attempt's record), so a burst of parallel guesses is counted
    as it goes and gets no more guesses than one after another."""
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('signin:' || :u))"), {"u": username}
    )
    failed = session.execute(
        text(_FAILURES), {"u": username, "a": address, "w": SIGNIN_WINDOW}
    ).one()
    if (
        failed.account_address >= FAILURES_PER_ACCOUNT_ADDRESS
        or failed.address >= FAILURES_PER_ADDRESS
        or failed.account >= FAILURES_PER_ACCOUNT
    ):
        record(session, "signin", None, username, address, ok=False, detail={"throttled": True})
        raise TooManyAttempts("登录失败次数过多，请 15 分钟后再试", retry_after_s=900)
    row = session.execute(
        text("SELECT id, password_hash FROM accounts WHERE username = :u AND disabled_at IS NULL"),
        {"u": username},
    ).one_or_none()
    try:
        ok = (
            row is not None
            and row.password_hash is not None
            and HASHER.verify(row.password_hash, password)
        )
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        record(session, "signin", None, username, address, ok=False)
        raise NotAuthenticated("用户名或密码错误")
    if HASHER.check_needs_rehash(row.password_hash):
        session.execute(
            text("UPDATE accounts SET password_hash = :h WHERE id = :i"),
            {"h": HASHER.hash(password), "i": row.id},
        )
    record(session, "signin", row.id, username, address)
    account = load_account(session, row.id)
    assert account is not None
    return account


def change_password(
    session: Session,
    account: Account,
    old: str,
    new: str,
    address: str,
    keep_session: str | None = None,
) -> None:
    """Change the password; every other sign-in of the account ends (a stolen session does not
    outlive the change), the one whose cookie token is keep_session stays."""
    row = session.execute(
        text("SELECT password_hash FROM accounts WHERE id = :i"), {"i": account.id}
    ).one()
    try:
        HASHER.verify(row.password_hash or "", old)
    except (VerificationError, InvalidHashError):
        raise NotAuthenticated("原密码错误") from None
    check_password(new)
    if new == old:
        raise BadInput("新密码不能与旧密码相同")
    session.execute(
        text("UPDATE accounts SET password_hash = :h, must_change_password = false WHERE id = :i"),
        {"h": HASHER.hash(new), "i": account.id},
    )
    session.execute(
        text("DELETE FROM auth_sessions WHERE account_id = :a AND token_hash <> :keep"),
        {"a": account.id, "keep": token_hash(keep_session) if keep_session else ""},
    )
    record(session, "password", account.id, account.username, address)


def reset_password(session: Session, username: str) -> str | None:
    """An operator's reset: a random first password (returned, to be shown once) that must be
    changed at the next sign-in; every sign-in of the account ends. None: no active account."""
    first = secrets.token_urlsafe(12)
    account_id = session.execute(
        text(
            "UPDATE accounts SET password_hash = :h, must_change_password = true "
            "WHERE username = :u AND disabled_at IS NULL RETURNING id"
        ),
        {"h": HASHER.hash(first), "u": username},
    ).scalar()
    if account_id is None:
        return None
    session.execute(text("DELETE FROM auth_sessions WHERE account_id = :a"), {"a": account_id})
    return first


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, account: Account, address: str, hours: float) -> tuple[str, str]:
    """A new browser session: (cookie token, CSRF token); only the token's hash is stored."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    session.execute(
        text(
            "INSERT INTO auth_sessions (token_hash, account_id, csrf_token, expires_at, address) "
            "VALUES (:t, :a, :c, now() + :h * interval '1 hour', :ip)"
        ),
        {"t": token_hash(token), "a": account.id, "c": csrf, "h": hours, "ip": address},
    )
    session.execute(text("DELETE FROM auth_sessions WHERE expires_at < now()"))
    return token, csrf


def session_account(session: Session, token: str) -> Account | None:
    row = session.execute(
        text(
            "SELECT account_id, csrf_token FROM auth_sessions "
            "WHERE token_hash = :t AND expires_at > now()"
        ),
        {"t": token_hash(token)},
    ).one_or_none()
    if row is None:
        return None
    account = load_account(session, row.account_id)
    if account is None:
        return None
    return replace(account, csrf_token=row.csrf_token)


def close_session(session: Session, token: str) -> None:
    session.execute(
        text("DELETE FROM auth_sessions WHERE token_hash = :t"), {"t": token_hash(token)}
    )
