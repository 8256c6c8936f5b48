"""The demo's year of visits to firms (issue #18), filed through the real dispatcher
(geo/business/visits.py) day by day as departments would have filed them: most key taxpayers
(重点税源)
and a share of the other firms asked for, a third of the requests overlapping another
department's for the same firm (they merge), visits before today done with an outcome and,
for some, needs found, most of those closed at the level where they were settled. The demo
`building` commissioner has a day of visits ahead (the phone page's route)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.business.visits import file_request
from geo.business.words import DEPARTMENTS, NEED_CATEGORIES
from geo.errors import Conflict, Unprocessable

KEY_VISITED = 0.86  # of key taxpayers asked for in the year ("covered above 80 %")
OTHERS = 0.05  # of the other firms
OVERLAP = 0.35  # requests that another department's overlaps
CLOSED = 0.92  # needs closed ("above 90 %")
LEVELS = (("building", 0.55), ("business_community", 0.3), ("street", 0.1), ("district", 0.05))
PURPOSES = {
    "市场监管": "年报与信用修复指导",
    "税务": "纳税服务与政策辅导",
    "人社": "用工与社保服务",
    "统计": "统计数据采集",
    "商务": "外贸与招商对接",
    "科技": "高新技术企业申报",
    "经信": "数字化改造调研",
    "消防": "消防安全检查",
    "其他": "综合走访",
}
NEED_TEXTS = {
    "注册落地": "办理分支机构注册",
    "人才引进": "招聘研发人员",
    "融资与银企对接": "流动资金贷款对接",
    "政策咨询": "了解研发费用加计扣除",
    "停车": "访客停车位不足",
    "物业与配套": "楼宇空调维修",
    "食堂": "员工午餐不便",
    "托育": "希望就近托育",
    "通勤": "地铁口接驳",
    "文体": "希望有健身场地",
    "住房": "人才公寓申请",
    "医疗": "希望楼宇健康驿站",
    "其他": "其他诉求",
}


def build_demo_visits(session: Session, today: date, seed: int, gap_days: int) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    firms = session.execute(text("SELECT code, key_taxpayer FROM firms ORDER BY code")).all()
    if not firms:
        return {"requests": 0}
    asked = [f.code for f in firms if rng.random() < (KEY_VISITED if f.key_taxpayer else OTHERS)]
    filings = []  # (filed on, request)
    depts = [d for d in DEPARTMENTS if d != "其他"]
    for code in asked:
        filed = today - timedelta(days=int(rng.integers(20, 350)))
        first = filed + timedelta(days=int(rng.integers(0, 5)))
        dept = str(rng.choice(depts))
        filings.append(
            (filed, _req(code, dept, first, first + timedelta(days=int(rng.integers(5, 20)))))
        )
        if rng.random() < OVERLAP:  # another department, overlapping: merged into one visit
            other = str(rng.choice([d for d in depts if d != dept]))
            start = first + timedelta(days=int(rng.integers(0, 4)))
            filings.append(
                (filed + timedelta(days=1), _req(code, other, start, start + timedelta(days=10)))
            )
    filings.sort(key=lambda f: (f[0], f[1]["firm"]))
    refused = 0
    for filed, r in filings:
        try:
            file_request(session, r, "demo", gap_days, filed)
        except (Conflict, Unprocessable):
            refused += 1
    _today_for_building(session, today, gap_days, rng)
    session.execute(
        text(
            "UPDATE visits SET status = 'done', outcome = '已走访，企业经营正常', "
            "done_at = visit_on + time '15:00' WHERE visit_on < :today AND status = 'planned'"
        ),
        {"today": today},
    )
    _needs(session, rng)
    return {"requests": len(filings) - refused, "refused": refused}


def _req(firm: str, dept: str, first: date, last: date) -> dict[str, object]:
    return {
        "firm": firm,
        "department": dept,
        "purpose": PURPOSES[dept],
        "earliest": first,
        "latest": last,
        "urgent": False,
    }


def _today_for_building(session: Session, today: date, gap: int, rng: np.random.Generator) -> None:
    """Six firms of the demo `building` commissioner's buildings asked for on the next working
    day (today, on a weekday): the phone page opens on a route."""
    day = today
    while day.weekday() >= 5:
        day += timedelta(days=1)
    firms = session.execute(
        text(
            "SELECT f.code FROM firms f JOIN account_areas r ON f.building_code LIKE r.code || '%' "
            "JOIN accounts a ON a.id = r.account_id WHERE a.username = 'building' "
            "AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.firm_code = f.code "
            "AND abs(v.visit_on - CAST(:d AS date)) < :gap) ORDER BY md5(f.code) LIMIT 6"
        ),
        {"d": day, "gap": gap},
    ).scalars()
    for code in firms:
        dept = str(rng.choice(["市场监管", "税务", "统计"]))
        file_request(session, _req(code, dept, day, day), "demo", gap, today)


def _needs(session: Session, rng: np.random.Generator) -> None:
    """Needs found on a quarter of the visits done; most closed, at their level."""
    done = session.execute(
        text("SELECT id, firm_code, done_at FROM visits WHERE status = 'done' ORDER BY id")
    ).all()
    rows = []
    for v in done:
        if rng.random() > 0.25:
            continue
        kind = "firm" if rng.random() < 0.65 else "employee"
        category = str(rng.choice(NEED_CATEGORIES[kind]))
        closed = rng.random() < CLOSED
        level = (
            str(rng.choice([lv for lv, _ in LEVELS], p=[p for _, p in LEVELS])) if closed else None
        )
        rows.append(
            {
                "kind": kind,
                "category": category,
                "firm": v.firm_code,
                "text": NEED_TEXTS[category],
                "visit": v.id,
                "status": "closed" if closed else "open",
                "level": level,
                "at": v.done_at,
                "closed_at": v.done_at + timedelta(days=int(rng.integers(2, 30)))
                if closed
                else None,
            }
        )
    if rows:
        session.execute(
            text(
                "INSERT INTO needs (kind, category, firm_code, text, visit_id, status, "
                "settled_level, created_at, closed_at, note) VALUES (:kind, :category, :firm, "
                ":text, :visit, :status, :level, :at, LEAST(:closed_at, now()), "
                "CASE WHEN :status = 'closed' THEN '已协调解决' END)"
            ),
            rows,
        )
