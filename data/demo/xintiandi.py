"""The demo's business communities' founding dates and activities, and 新天地商务社区's first
year as published (seeds): 286 disputes settled, 123 needs solved, 370 activities, 2,000 firms
covered (its buildings hold 2,000 firms: data/demo/business.py). It was founded 365 days before the
demo's day, so its first year is the demo's last year."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.demo.zones import XINTIANDI
from geo.assign import assign_pending
from geo.business.words import NEED_CATEGORIES
from geo.cases.partitions import ensure_months
from geo.open_blocks.words import ACTIVITY_KINDS

DISPUTES, NEEDS, ACTIVITIES = 286, 123, 370
TITLES = {
    "政策宣讲": "惠企政策宣讲会",
    "培训": "企业财税培训",
    "沙龙": "楼宇企业家沙龙",
    "招聘": "楼宇专场招聘会",
    "联谊": "青年职工联谊",
    "志愿服务": "楼宇志愿服务日",
    "其他": "企业服务日",
}


def build_business_history(
    session: Session, today: date, seed: int, snap_m: float
) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    bcs = session.execute(text("SELECT code, name FROM business_communities ORDER BY code")).all()
    rows = []
    for bc in bcs:
        ours = bc.name == XINTIANDI[1]
        founded = today - timedelta(days=365 if ours else int(rng.integers(730, 2500)))
        session.execute(
            text("UPDATE business_communities SET established_on = :d WHERE code = :c"),
            {"d": founded, "c": bc.code},
        )
        n = ACTIVITIES if ours else int(rng.integers(40, 200))
        first = founded if ours else today - timedelta(days=365)
        for _ in range(n):
            kind = str(rng.choice(ACTIVITY_KINDS))
            rows.append(
                {
                    "bc": bc.code,
                    "on": first + timedelta(days=int(rng.integers(0, 365))),
                    "kind": kind,
                    "title": TITLES[kind],
                    "n": int(rng.integers(10, 120)),
                }
            )
    if rows:
        session.execute(
            text(
                "INSERT INTO business_activities (business_community_code, held_on, kind, title, "
                "participants) VALUES (:bc, :on, :kind, :title, :n)"
            ),
            rows,
        )
    xtd = next((bc.code for bc in bcs if bc.name == XINTIANDI[1]), None)
    if xtd is None:
        return {"business_activities": len(rows)}
    start = today - timedelta(days=365)
    _needs(session, xtd, start, today, rng)
    added = _disputes(session, xtd, start, today, rng)
    assign_pending(session, snap_m)
    return {"business_activities": len(rows), "xintiandi_disputes_added": added}


def _needs(session: Session, bc: str, start: date, today: date, rng: np.random.Generator) -> None:
    """Exactly NEEDS of its firms' needs solved in the year (and a few still open)."""
    session.execute(
        text(
            "DELETE FROM needs n USING firms f WHERE f.code = n.firm_code "
            "AND f.building_code LIKE :bc || '%'"
        ),
        {"bc": bc},
    )
    firms = (
        session.execute(
            text("SELECT code FROM firms WHERE building_code LIKE :bc || '%' ORDER BY md5(code)"),
            {"bc": bc},
        )
        .scalars()
        .all()
    )
    rows = []
    for i in range(NEEDS + 9):
        kind = "firm" if rng.random() < 0.65 else "employee"
        found = start + timedelta(days=int(rng.integers(0, 330)))
        closed = i < NEEDS
        rows.append(
            {
                "kind": kind,
                "category": str(rng.choice(NEED_CATEGORIES[kind])),
                "firm": firms[i % len(firms)],
                "at": datetime.combine(found, time(10)),
                "closed_at": datetime.combine(
                    found + timedelta(days=int(rng.integers(1, 30))), time(16)
                )
                if closed
                else None,
                "status": "closed" if closed else "open",
                "level": str(
                    rng.choice(["building", "business_community", "street"], p=[0.6, 0.3, 0.1])
                )
                if closed
                else None,
            }
        )
    session.execute(
        text(
            "INSERT INTO needs (kind, category, firm_code, text, status, settled_level, "
            "created_at, closed_at, note) VALUES (:kind, :category, :firm, '走访发现的诉求', "
            ":status, :level, :at, :closed_at, CASE WHEN :status = 'closed' THEN '已办结' END)"
        ),
        rows,
    )


def _disputes(session: Session, bc: str, start: date, today: date, rng: np.random.Generator) -> int:
    """Disputes settled in it during the year: the demo's own, topped up to DISPUTES."""
    have = session.execute(
        text(
            "SELECT count(*) FROM cases c WHERE c.category_code = 'dispute' "
            "AND case_is_done(c.status) AND ((c.zone_kind = 'business_community' "
            "AND c.zone_code = :bc) OR (c.zone_kind = 'building' AND c.zone_code LIKE :bc || '%')) "
            "AND c.created_at >= :s AND c.created_at < CAST(:s AS date) + 365"
        ),
        {"bc": bc, "s": start},
    ).scalar_one()
    need = max(0, DISPUTES - int(have))
    points = session.execute(
        text(
            "SELECT ST_X(d.geom) AS x, ST_Y(d.geom) AS y FROM business_communities b, "
            "ST_Dump(ST_GeneratePoints(ST_Buffer(b.geom, -0.00005), :n, 11)) d WHERE b.code = :bc"
        ),
        {"n": max(need, 1), "bc": bc},
    ).all()[:need]
    rows = []
    for p in points:
        at = datetime.combine(
            start + timedelta(days=int(rng.integers(1, 360))), time(9)
        ) + timedelta(minutes=int(rng.integers(0, 600)))
        rows.append({"x": p.x, "y": p.y, "at": at})
    if rows:
        ensure_months(session, min(r["at"] for r in rows), max(r["at"] for r in rows))
        session.execute(
            text(
                "INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, "
                "description, source, status, created_at, updated_at, closed_at, due_at, "
                "dispatch_due_at, dispatched_at) "
                "VALUES (:x, :y, 'wgs84', ST_SetSRID(ST_MakePoint(:x, :y), 4326), 'dispute', "
                "'楼宇企业间纠纷，商务社区调解', 'api', 'closed', :at, :at, "
                "CAST(:at AS timestamptz) + interval '2 days', "
                "CAST(:at AS timestamptz) + interval '72 hours', "
                "case_dispatch_due('dispute', :at), :at)"
            ),
            rows,
        )
    return len(rows) - max(0, int(have) - DISPUTES)  # negative: the demo had more already
