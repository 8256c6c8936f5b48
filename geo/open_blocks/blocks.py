"""Open blocks (issue #18): who looks after them — the block's (temporary) party organisation,
its members (mobile ones too, 流动党员), its partner units (联建单位) — its shops and stalls
with the member who looks after each (包干), its rules (一米红线, 门前三包) and the cases that
breach them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.workflow import mask_name
from geo.errors import NotFound
from geo.meetings.meetings import list_meetings
from geo.open_blocks.answers import BlockStats, OpenBlock
from geo.open_blocks.words import BLOCK_RULES
from geo.sql.loader import query


def _q(name: str) -> Any:
    return text(query("open_blocks/open_blocks", name))


def _pct(a: int, b: int) -> float | None:
    return round(100.0 * a / b, 2) if b else None


def block_detail(session: Session, code: str, personal: bool) -> OpenBlock:
    """The block; members' names in full only for `personal` callers (as reporters)."""
    b = session.execute(_q("block"), {"code": code}).one_or_none()
    if b is None:
        raise NotFound(f"没有编码为 {code} 的开放式街区")
    shops = session.execute(_q("shops"), {"code": code}).one()
    breaches = {r.category_code: r for r in session.execute(_q("breaches"), {"code": code})}
    members = session.execute(_q("members"), {"code": code}).all()
    return {
        "code": b.code,
        "name": b.name,
        "households": b.households,
        "community": {"code": b.community_code, "name": b.community_name},
        "party_org": {"code": b.org_code, "name": b.org_name} if b.org_code else None,
        "rules": [
            {
                "rule": rule,
                "breaches": sum(
                    breaches[c].cases for c in BLOCK_RULES.get(rule, ()) if c in breaches
                ),
                "open": sum(breaches[c].open for c in BLOCK_RULES.get(rule, ()) if c in breaches),
            }
            for rule in b.rules
        ],
        "shops": int(shops.shops),
        "stalls": int(shops.stalls),
        "covered": int(shops.covered),
        "covered_pct": _pct(shops.covered, shops.shops + shops.stalls),
        "party_members": [
            {
                "code": m.code,
                "name": m.name if personal else (mask_name(m.name) or ""),
                "mobile": bool(m.mobile),
                "shops": m.shops,
                "partners": list(m.partners),
            }
            for m in members
        ],
        "mobile_members": sum(1 for m in members if m.mobile),
        "partner_units": [
            {"code": p.code, "name": p.name, "kind": p.kind}
            for p in session.execute(_q("partners"), {"code": code})
        ],
        "breaches_365d": {c: r.cases for c, r in breaches.items()},
        "meetings": list_meetings(session, code, "open_block", None, None, 10),
    }


def block_stats(session: Session, prefix: str) -> BlockStats:
    r = session.execute(_q("stats"), {"prefix": prefix}).one()
    return {
        "blocks": int(r.blocks),
        "shops": r.shops,
        "stalls": r.stalls,
        "covered": r.covered,
        "covered_pct": _pct(r.covered, r.shops + r.stalls),
        "mobile_members": r.mobile_members,
        "breaches_365d": r.breaches,
        "meetings": r.meetings,
    }
