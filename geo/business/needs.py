"""The three lists (issue #18: 企业所需、职工所盼、社区所能): needs found on visits, matched to
what the community can offer by category and walking distance, assigned, and closed at the
level where they were settled ("小事不出楼宇，大事不出社区")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.business.answers import Need, Offer
from geo.business.routes import distances
from geo.business.words import NEED_KINDS, NEED_STATUSES, OFFER_KINDS, SETTLED_LEVELS
from geo.errors import Conflict, NotFound, Unprocessable
from geo.sql.loader import query


def _q(name: str) -> Any:
    return text(query("business/needs", name))


def _need(r: Any) -> Need:
    return {
        "id": int(r.id),
        "kind": r.kind,
        "kind_label": NEED_KINDS[r.kind],
        "category": r.category,
        "text": r.text,
        "status": r.status,
        "status_label": NEED_STATUSES[r.status],
        "assignee": r.assignee,
        "settled_level": r.settled_level,
        "note": r.note,
        "offer_id": r.offer_id,
        "visit_id": r.visit_id,
        "firm": {"code": r.firm_code, "name": r.firm_name},
        "building": {"code": r.building_code, "name": r.building_name},
        "created_at": r.created_at.isoformat(),
        "closed_at": r.closed_at.isoformat() if r.closed_at else None,
    }


def list_needs(
    session: Session,
    prefix: str,
    status: str | None,
    kind: str | None,
    limit: int,
    areas: list[str] | None,
) -> list[Need]:
    """Needs of the buildings whose code begins prefix and matches one of areas (LIKE
    patterns, the caller's; None: every building)."""
    params = {"prefix": prefix, "status": status, "kind": kind, "limit": limit, "areas": areas}
    return [_need(r) for r in session.execute(_q("list"), params)]


def get_need(session: Session, need_id: int) -> Need:
    r = session.execute(_q("one"), {"id": need_id}).one_or_none()
    if r is None:
        raise NotFound(f"没有编号为 {need_id} 的诉求")
    return _need(r)


def matches(session: Session, need_id: int, k: int = 8) -> list[Offer]:
    """Offers answering the need's category: those with a place nearest first by walking
    metres from the firm's building (over the coverage graph), then those without one."""
    n = session.execute(_q("one"), {"id": need_id}).one_or_none()
    if n is None:
        raise NotFound(f"没有编号为 {need_id} 的诉求")
    offers = session.execute(
        _q("offers_for"), {"category": n.category, "lon": n.lon, "lat": n.lat, "k": k}
    ).all()
    placed = [o for o in offers if o.lon is not None]
    walk: dict[int, float] = {}
    if placed:
        d, _ = distances(session, [(n.lon, n.lat)] + [(o.lon, o.lat) for o in placed])
        walk = {int(o.id): d[0][i + 1] for i, o in enumerate(placed)}
    out: list[Offer] = [
        {
            "id": int(o.id),
            "kind": o.kind,
            "kind_label": OFFER_KINDS[o.kind],
            "title": o.title,
            "provider": o.provider,
            "walk_m": round(walk[int(o.id)], 1) if int(o.id) in walk else None,
        }
        for o in offers
    ]
    return sorted(out, key=lambda o: (o["walk_m"] is None, o["walk_m"] or 0.0, o["id"]))


def _check_offer(session: Session, offer_id: int | None) -> None:
    if (
        offer_id is not None
        and session.execute(_q("offer_exists"), {"id": offer_id}).first() is None
    ):
        raise Unprocessable(f"没有编号为 {offer_id} 的资源")


def assign(session: Session, need_id: int, assignee: str, offer_id: int | None) -> None:
    r = session.execute(_q("lock"), {"id": need_id}).one_or_none()
    if r is None:
        raise NotFound(f"没有编号为 {need_id} 的诉求")
    if r.status == "closed":
        raise Conflict(f"诉求 {need_id} 已办结")
    _check_offer(session, offer_id)
    session.execute(_q("assign"), {"id": need_id, "assignee": assignee, "offer_id": offer_id})


def close(session: Session, need_id: int, level: str, note: str, offer_id: int | None) -> None:
    if level not in SETTLED_LEVELS:
        raise Unprocessable(f"未知办结层级「{level}」，可选：{'、'.join(SETTLED_LEVELS)}")
    r = session.execute(_q("lock"), {"id": need_id}).one_or_none()
    if r is None:
        raise NotFound(f"没有编号为 {need_id} 的诉求")
    if r.status == "closed":
        raise Conflict(f"诉求 {need_id} 已办结")
    _check_offer(session, offer_id)
    session.execute(
        _q("close"), {"id": need_id, "level": level, "note": note, "offer_id": offer_id}
    )
