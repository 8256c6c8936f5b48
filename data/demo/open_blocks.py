"""The demo's open blocks (issue #18): shops and stalls in every block, the party members who
look after them (包干), partner units, the blocks' rules and a year of the cases that breach
them. Published, where the demo names the blocks (data/demo/zones.py):
- 河罕上街区 (文晖街道): 52 shops and 25 stalls, 7 mobile party members found and a temporary
  party organisation formed, partner units 派出所, 市场监管所, 执法中队, every shop and stall
  looked after by a member, rules 一米红线 and 门前三包 agreed at six 红茶议事会;
- 武林路街区 (武林街道): 642 shops and about 400 stalls under a block party committee.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.demo import names
from geo.assign import assign_pending
from geo.cases.partitions import ensure_months
from geo.open_blocks.words import BLOCK_RULES

TRADES = ("餐饮", "小吃", "服装", "便利店", "水果", "理发", "茶饮", "五金", "药店", "花店")
PUBLISHED = {
    "河罕上街区": {
        "shops": 52,
        "stalls": 25,
        "members": 7,
        "mobile": 7,
        "covered": 1.0,
        "org": "河罕上街区临时党组织",
        "rules": ["一米红线", "门前三包"],
    },
    "武林路街区": {
        "shops": 642,
        "stalls": 398,
        "members": 36,
        "mobile": 5,
        "covered": 0.85,
        "org": "武林路街区党委",
        "rules": ["一米红线", "门前三包"],
    },
}
PARTNERS = (
    ("派出所", "派出所"),
    ("市场监管所", "市场监督管理所"),
    ("执法中队", "综合行政执法中队"),
)


def build_demo_blocks(session: Session, now: datetime, seed: int, snap_m: float) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    blocks = session.execute(
        text(
            "SELECT b.code, b.name, ST_Area(ST_Transform(b.geom, 4549)) AS m2, o.code AS org "
            "FROM open_blocks b LEFT JOIN party_orgs o ON o.area_kind = 'open_block' "
            "AND o.area_code = b.code AND o.kind = 'block_org' ORDER BY b.code"
        )
    ).all()
    if not blocks:
        return {"shops": 0}
    plan = {}
    for b in blocks:
        p = PUBLISHED.get(b.name)
        if p is None:
            shops = int(np.clip(b.m2 / 2500 * rng.lognormal(0, 0.4), 3, 40))
            members = int(rng.integers(0, 4))
            p = {
                "shops": shops,
                "stalls": int(rng.integers(0, shops // 3 + 1)),
                "members": members,
                "mobile": int(rng.integers(0, members + 1) if members else 0),
                "covered": float(rng.uniform(0.3, 0.9)) if members else 0.0,
                "org": None,
                "rules": ["门前三包"] if rng.random() < 0.3 else [],
            }
        plan[b.code] = p
    points = session.execute(
        text(
            "SELECT t.code, ST_X(d.geom) AS x, ST_Y(d.geom) AS y "
            "FROM unnest(CAST(:codes AS text[]), CAST(:ns AS int[])) AS t(code, n) "
            "JOIN open_blocks b ON b.code = t.code "
            "CROSS JOIN LATERAL "
            "ST_Dump(ST_GeneratePoints(ST_Buffer(b.geom, -0.00003), t.n, :seed)) d "
            "ORDER BY t.code"
        ),
        {
            "codes": list(plan),
            "ns": [p["shops"] + p["stalls"] for p in plan.values()],
            "seed": seed,
        },
    ).all()
    by_block: dict[str, list[tuple[float, float]]] = {}
    for r in points:
        by_block.setdefault(r.code, []).append((r.x, r.y))
    members, partners, links, shops, orgs = [], [], [], [], []
    words = names.two_char_names()
    for b in blocks:
        p, here = plan[b.code], by_block.get(b.code, [])
        if p["org"] and b.org:
            orgs.append({"code": b.org, "name": p["org"]})
        codes = [f"DY{b.code}-{k + 1:02d}" for k in range(p["members"] if b.org else 0)]
        for k, code in enumerate(codes):
            members.append(
                {"code": code, "name": names.person(rng), "org": b.org, "mobile": k < p["mobile"]}
            )
        units = []
        if codes:
            for kind, title in PARTNERS:
                units.append(f"LJ{b.code}-{kind}")
                partners.append(
                    {"code": units[-1], "name": f"{b.name}{title}", "kind": kind, "block": b.code}
                )
            links += [{"m": c, "p": units[k % len(units)]} for k, c in enumerate(codes)]
        n_shops = min(p["shops"], len(here))
        for k, (x, y) in enumerate(here):
            kind = "shop" if k < n_shops else "stall"
            trade = str(rng.choice(TRADES))
            looked = codes and rng.random() < p["covered"]
            shops.append(
                {
                    "code": f"{b.code}{'SP' if kind == 'shop' else 'TW'}{k + 1:04d}",
                    "name": f"{rng.choice(words)}{trade}" + ("店" if kind == "shop" else "摊"),
                    "block": b.code,
                    "kind": kind,
                    "trade": trade,
                    "member": codes[k % len(codes)] if looked else None,
                    "x": x,
                    "y": y,
                }
            )
    for o in orgs:
        session.execute(text("UPDATE party_orgs SET name = :name WHERE code = :code"), o)
    for name, p in PUBLISHED.items():
        session.execute(
            text("UPDATE open_blocks SET rules = :r WHERE name = :n"), {"r": p["rules"], "n": name}
        )
    session.execute(
        text("UPDATE open_blocks SET rules = '{门前三包}' WHERE code = ANY(:c)"),
        {"c": [c for c, p in plan.items() if p["rules"] == ["门前三包"]]},
    )
    if members:
        session.execute(
            text(
                "INSERT INTO party_members (code, name, org_code, mobile) "
                "VALUES (:code, :name, :org, :mobile)"
            ),
            members,
        )
    if partners:
        session.execute(
            text(
                "INSERT INTO partner_units (code, name, kind, open_block_code) "
                "VALUES (:code, :name, :kind, :block)"
            ),
            partners,
        )
        session.execute(
            text("INSERT INTO member_partners (member_code, partner_code) VALUES (:m, :p)"), links
        )
    session.execute(
        text(
            "INSERT INTO shops (code, name, open_block_code, kind, trade, member_code, schematic, "
            "geom) VALUES (:code, :name, :block, :kind, :trade, :member, true, "
            "ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
        ),
        shops,
    )
    breaches = _breaches(session, shops, now, rng)
    assign_pending(session, snap_m)
    return {"shops": len(shops), "party_members": len(members), "breach_cases": breaches}


def _breaches(
    session: Session, shops: list[dict[str, object]], now: datetime, rng: np.random.Generator
) -> int:
    """A year of cases breaching the rules at shops (占道外摆, 门前三包), most dealt with."""
    rows = []
    for s in shops:
        if rng.random() > 0.08:
            continue
        rule = "一米红线" if rng.random() < 0.6 else "门前三包"
        category = BLOCK_RULES[rule][0]
        at = now - timedelta(days=float(rng.uniform(0, 365)))
        closed = at < now - timedelta(days=3)
        rows.append(
            {
                "lon": s["x"],
                "lat": s["y"],
                "cat": category,
                "text": str(s["name"]) + ("占道外摆" if rule == "一米红线" else "门前三包不落实"),
                "status": "closed" if closed else "assigned",
                "at": at,
                "closed_at": at + timedelta(hours=float(rng.uniform(2, 40))) if closed else None,
            }
        )
    if rows:
        ensure_months(session, min(r["at"] for r in rows), max(r["at"] for r in rows))
        session.execute(
            text(
                "INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, "
                "description, source, status, created_at, updated_at, closed_at, due_at, "
                "dispatch_due_at) "
                "SELECT :lon, :lat, 'wgs84', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), k.code, "
                ":text, 'worker_patrol', :status, :at, :at, :closed_at, "
                ":at + make_interval(hours => k.sla_hours), case_dispatch_due(k.code, :at) "
                "FROM categories k WHERE k.code = :cat"
            ),
            rows,
        )
    return len(rows)
