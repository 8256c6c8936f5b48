"""The demo's residents' societies (群众性社团) and their activities: "2000余个群众性社团"
across the district's compounds (seed 000), and 秀隐翠园 (祥符街道), whose commissioner "首先组建了
20余个群众性社团，开展各类活动近百场" (seed 001): 22 societies and 96 activities in its last year.
Contacts are fictitious (data/demo/names.py)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.demo import names
from data.demo.zones import XIUYIN
from geo.residential.words import SOCIETY_KINDS

DISTRICT_SOCIETIES = 2_000  # "2000余个", scaled by the number of compounds (690)
XIUYIN_SOCIETIES, XIUYIN_ACTIVITIES = 22, 96
NAMES = {
    "文体": ("太极队", "广场舞队", "合唱团", "书画社", "乒乓球队", "摄影社", "越剧社"),
    "志愿": ("志愿服务队", "平安巡防队", "垃圾分类督导队", "助老志愿队"),
    "互助": ("邻里互助会", "四点半课堂", "共享工具屋", "银龄互助社"),
    "议事": ("楼道议事会", "业主代表会", "红茶议事小组"),
    "其他": ("宠物友好会", "读书会", "园艺社"),
}
TITLES = ("例会", "公益活动", "邻里节", "比赛", "培训", "走访", "演出")


def build_societies(session: Session, today: date, seed: int) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    compounds = session.execute(
        text("SELECT code, name, households FROM compounds ORDER BY code")
    ).all()
    if not compounds:
        return {"societies": 0, "society_activities": 0}
    want = round(DISTRICT_SOCIETIES * len(compounds) / 690) + 17  # "余": a little over
    ours = next((c.code for c in compounds if c.name == XIUYIN[1]), None)
    others = [c for c in compounds if c.code != ours]
    left = want - (XIUYIN_SOCIETIES if ours else 0)
    w = np.array([c.households + 50 for c in others], dtype=float)
    counts = np.bincount(rng.choice(len(others), size=left, p=w / w.sum()), minlength=len(others))
    plan = [(c.code, int(n)) for c, n in zip(others, counts, strict=True)]
    if ours:
        plan.append((ours, XIUYIN_SOCIETIES))
    societies, activities = [], []
    for code, n in plan:
        for j in range(n):
            kind = (
                SOCIETY_KINDS[j % len(SOCIETY_KINDS)]
                if code == ours
                else str(rng.choice(SOCIETY_KINDS, p=[0.45, 0.25, 0.15, 0.1, 0.05]))
            )
            sc = f"{code}ST{j + 1:03d}"
            societies.append(
                {
                    "code": sc,
                    "name": str(rng.choice(NAMES[kind])) + ("" if j < 5 else f"（{j + 1}）"),
                    "kind": kind,
                    "compound": code,
                    "members": int(rng.integers(8, 80)),
                    "founded": today - timedelta(days=int(rng.integers(30, 3000))),
                    "contact": names.person(rng),
                    "phone": names.phone(len(societies)),
                }
            )
        held = XIUYIN_ACTIVITIES if code == ours else int(rng.poisson(2.5 * n)) if n else 0
        mine = [s["code"] for s in societies[len(societies) - n :]]
        for _ in range(held):
            activities.append(
                {
                    "s": str(rng.choice(mine)),
                    "on": today - timedelta(days=int(rng.integers(0, 365))),
                    "title": str(rng.choice(TITLES)),
                    "n": int(rng.integers(6, 60)),
                }
            )
    session.execute(
        text(
            "INSERT INTO societies (code, name, kind, compound_code, members, founded_on, "
            "contact_name, contact_phone) VALUES (:code, :name, :kind, :compound, :members, "
            ":founded, :contact, :phone) ON CONFLICT (code) DO NOTHING"
        ),
        societies,
    )
    if activities:
        session.execute(
            text(
                "INSERT INTO society_activities (society_code, held_on, title, participants) "
                "VALUES (:s, :on, :title, :n)"
            ),
            activities,
        )
    return {"societies": len(societies), "society_activities": len(activities)}
