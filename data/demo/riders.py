"""The demo's riders (外卖小哥) as the district's eyes (issue #32): three registered at each
小哥驿站 (the demo's `rider` account at the first, the others xg001 … signing in through the
identity service only); the reports of the last 30 days nearest the posts are theirs (随手拍),
each rider's from around their own post; a few redemptions at the posts. A rider's points are
derived from those reports (geo/riders/riders.py)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.demo import names
from geo.accounts.accounts import add_account
from geo.riders.riders import ledger
from geo.riders.words import POINTS_PER_REPORT, RIDER_SOURCE

PER_POST = 3
REPORTS = 150  # per demo-sized district, the last 30 days
NEAR_M = 600  # a rider reports around their own post


def build_riders(session: Session, rng: np.random.Generator) -> dict[str, int]:
    posts = (
        session.execute(
            text("SELECT code FROM facilities WHERE kind = 'courier_post' ORDER BY code")
        )
        .scalars()
        .all()
    )
    if not posts:
        return {"riders": 0, "rider_reports": 0}
    district = session.execute(text("SELECT left(min(code), 6) FROM streets")).scalar_one()
    demo = session.execute(
        text("SELECT id, username FROM accounts WHERE username = 'rider'")
    ).first()
    riders: list[tuple[int, str, str]] = []  # (account, username, post)
    n = 0
    for post in posts:
        for _ in range(PER_POST):
            if demo is not None and not riders:
                who, username = int(demo.id), str(demo.username)
            else:
                n += 1
                username = f"xg{n:03d}"
                who = session.execute(
                    text("SELECT id FROM accounts WHERE username = :u"), {"u": username}
                ).scalar()
                if who is None:
                    who = add_account(
                        session,
                        username,
                        "rider",
                        [district],
                        None,
                        display_name=f"{names.person(rng)}（外卖小哥）",
                        must_change=False,
                    )
            session.execute(
                text(
                    "INSERT INTO riders (account_id, post_code, phone) VALUES (:a, :p, :ph) "
                    "ON CONFLICT (account_id) DO NOTHING"
                ),
                {"a": who, "p": post, "ph": names.phone(9000 + len(riders))},
            )
            riders.append((who, username, post))
    # the recent reports nearest each post become its riders' (随手拍)
    picked = session.execute(
        text(
            "SELECT c.id, c.created_at, f.code AS post FROM cases c "
            "CROSS JOIN LATERAL (SELECT f.code, f.geom FROM facilities f "
            "  WHERE f.kind = 'courier_post' ORDER BY f.geom <-> c.geom LIMIT 1) f "
            "WHERE c.created_at > now() - interval '30 days' "
            "AND c.source IN ('app', 'wechat', 'api') "
            "AND ST_DWithin(c.geom::geography, f.geom::geography, :near) "
            "ORDER BY md5(c.id::text) LIMIT :n"
        ),
        {"near": NEAR_M, "n": round(REPORTS * len(posts) / 22)},
    ).all()
    by_post: dict[str, list[str]] = {}
    for _, username, post in riders:
        by_post.setdefault(post, []).append(username)
    mine = [
        {"s": RIDER_SOURCE, "id": case_id, "t": created_at, "u": str(rng.choice(by_post[post]))}
        for case_id, created_at, post in picked
    ]
    if mine:  # each statement once, for all the cases (executemany)
        session.execute(
            text("UPDATE cases SET source = :s WHERE id = :id AND created_at = :t"), mine
        )
        session.execute(
            text(
                "UPDATE case_events SET actor = :u WHERE case_id = :id "
                "AND case_created_at = :t AND kind = 'created'"
            ),
            mine,
        )
    # a few riders spent some points at their post (never more than their balance, as the
    # ledger counts it)
    balance = {r["username"]: r["points"]["balance"] for r in ledger(session)}
    spent = [
        {"a": who, "p": post, "pts": POINTS_PER_REPORT}
        for who, username, post in riders[:: max(1, len(riders) // 8)]
        if balance.get(username, 0) >= POINTS_PER_REPORT
    ]
    if spent:
        session.execute(
            text(
                "INSERT INTO rider_redemptions (account_id, post_code, points, item, by) "
                "VALUES (:a, :p, :pts, '充电宝租借一次', 'demo')"
            ),
            spent,
        )
    return {"riders": len(riders), "rider_reports": len(picked)}
