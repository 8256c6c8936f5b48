"""The demo's accounts: one per role, with documented passwords (README, printed by
`gridmap serve`), each answering for a real area of the demo district. The demo API key
belongs to the administrator. Demo passwords need no change at first sign-in; accounts made
with `gridmap user add` do."""

from __future__ import annotations

import secrets

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.accounts import add_account

DISTRICT = "330105"
# username, role, password, area (picked below from the demo's first street)
DEMO_ACCOUNTS = (
    ("admin", "admin", "demo-admin-2026", "district"),
    ("command", "command", "demo-command-2026", "district"),
    ("street", "street", "demo-street-2026", "street"),
    ("community", "community", "demo-community-2026", "community"),
    ("grid", "grid_worker", "demo-grid-2026", "grid"),
    ("compound", "compound_commissioner", "demo-compound-2026", "compound"),
    ("building", "building_commissioner", "demo-building-2026", "building"),
    ("planner", "planner", "demo-planner-2026", "district"),
    ("squad", "department", "demo-squad-2026", "squad"),  # the first street's 执法中队
    ("inspector", "inspector", "demo-inspector-2026", "district"),
    ("rider", "rider", "demo-rider-2026", "district"),  # a 小哥驿站's courier (data/demo/riders.py)
)


def add_demo_accounts(session: Session) -> list[tuple[str, str, str, str]]:
    """Add the demo accounts; return (username, role, password, area code) for each."""
    street = session.execute(text("SELECT min(code) FROM streets")).scalar_one()
    community = session.execute(
        text("SELECT min(code) FROM communities WHERE street_code = :s"), {"s": street}
    ).scalar_one()
    grid, worker = session.execute(
        text(
            "SELECT g.code, w.id FROM grids g LEFT JOIN workers w ON w.grid_code = g.code "
            "WHERE g.community_code = :c ORDER BY g.code, w.id LIMIT 1"
        ),
        {"c": community},
    ).one()
    compound = session.execute(
        text("SELECT min(code) FROM compounds WHERE community_code = :c"), {"c": community}
    ).scalar()
    building = session.execute(text("SELECT min(code) FROM buildings")).scalar()
    areas = {
        "district": DISTRICT,
        "street": street,
        "community": community,
        "grid": grid,
        "compound": compound or community,
        "building": building or street,
        "squad": f"U{street}CG",
    }
    out = []
    for username, role, password, area in DEMO_ACCOUNTS:
        add_account(
            session,
            username,
            role,
            [areas[area]],
            password,
            worker_id=worker if role == "grid_worker" else None,
            must_change=False,
        )
        out.append((username, role, password, areas[area]))
    return out


def ensure_demo_accounts(session: Session, demo_key: str | None) -> str | None:
    """The demo accounts (unless the database has accounts already) and the demo API key,
    bound to the administrator: for a demo or synthetic city, built now or before accounts
    existed. demo_key None: a district served beyond this machine, whose documented
    passwords anyone could read in the README: only `admin`, with a random first password it
    must change at its first sign-in, returned to be shown once; no key."""
    from geo.accounts.apikeys import create_key
    from geo.errors import Conflict

    empty = session.execute(text("SELECT NOT EXISTS (SELECT 1 FROM accounts)")).scalar()
    if demo_key is None:
        if not empty:
            return None
        first = secrets.token_urlsafe(12)
        add_account(session, "admin", "admin", [DISTRICT], first, must_change=True)
        return first
    if empty:
        add_demo_accounts(session)
    try:
        with session.begin_nested():
            create_key(session, "demo", key=demo_key, account="admin")
    except Conflict:
        pass  # an operator revoked the demo key: it stays revoked
    return None


def documented_credentials(session: Session, demo_key: str) -> list[str]:
    """The demo's documented passwords and key that still open this database: what must not
    be served beyond this machine."""
    from argon2.exceptions import VerificationError

    from geo.accounts.accounts import HASHER
    from geo.accounts.apikeys import key_account

    found = []
    for username, _, password, _ in DEMO_ACCOUNTS:
        stored = session.execute(
            text(
                "SELECT password_hash FROM accounts WHERE username = :u AND disabled_at IS NULL "
                "AND password_hash IS NOT NULL"
            ),
            {"u": username},
        ).scalar()
        if stored is None:
            continue
        try:
            HASHER.verify(stored, password)
            found.append(f"{username} / {password}")
        except VerificationError:
            pass
    if key_account(session, demo_key) is not None:
        found.append(f"API key {demo_key}")
    return found
