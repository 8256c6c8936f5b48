"""The demo's deliberation meetings (issue #17): the ones the seeds document, and a year of
generated ones at compounds, residential buildings and open blocks.

Documented (in their named places, data/demo/zones.py): six 红茶议事会 at 河罕上街区 agreeing the
"一米红线" and "门前三包"; the five classes of 红茶议事会 at 小河直街历史街区; twelve meetings on
大浒东苑BC区's fee reform to 酬金制 ("固定酬金+考核激励+阳光监督").
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

HEHANSHANG = [
    ("街区外摆占道问题", "环境整治", "商户外摆不超出店面一米（一米红线），划线示意"),
    ("门前卫生责任", "环境整治", "各商铺落实门前三包：包卫生、包秩序、包绿化"),
    ("流动摊位定点经营", "街区发展", "25个流动摊位定时定点，夜间18时后入位"),
    ("油烟与噪声", "环境整治", "餐饮商户加装油烟净化，22时后不外放音响"),
    ("高峰时段停车", "街区发展", "物业开放夜间车位，商户错峰装卸货"),
    ("一米红线执行回头看", "街区发展", "党员包干联系商铺，每周巡查一米红线和门前三包"),
]
XIAOHE = [
    ("河埠头台阶破损", "设施维修", "街区管委会两周内修复，物业日常巡查"),
    ("垃圾定时定点投放", "垃圾分类", "商铺垃圾19时集中收运，居民桶边督导"),
    ("老街电线私拉乱接", "消防安全", "供电所统一整治，商铺签消防安全承诺书"),
    ("沿河立面与绿化", "环境整治", "统一店招样式，沿河绿化认养"),
    ("历史街区业态引导", "街区发展", "引入非遗工坊，限制同质化小吃店"),
]
DAHU = [
    "物业服务标准清单",
    "酬金比例测算",
    "物业费收支公示方式",
    "公共收益归集",
    "资金审核流程",
    "考核激励办法",
    "服务质量测评",
    "酬金制合同文本",
    "业主大会表决方案",
    "首季度收支复盘",
    "考核结果运用",
    "阳光监督平台上线",
]
GENERATED_TOPICS = {
    "设施维修": ["楼道灯修复", "单元门禁维修", "雨污管道疏通", "屋面渗漏维修"],
    "垃圾分类": ["垃圾房改造", "分类督导排班", "大件垃圾堆放点"],
    "消防安全": ["楼道堆物清理", "电动车充电棚建设", "消防通道划线"],
    "环境整治": ["绿化补种", "飞线充电整治", "小区停车秩序"],
    "街区发展": ["沿街商铺业态", "夜间经济秩序"],
    "物业服务": ["物业费调整", "物业服务满意度测评", "保洁频次"],
    "其他": ["邻里活动安排", "加装电梯意向征集"],
}
SIDES = ("residents_committee", "owners_committee", "property", "residents", "party_members")
OWNERS = ("物业", "居委会", "业委会", "社区党委", "街道城管科")


# The documented series: (place kind, place name, meeting kind, days before today of the
# first, days between them, participants, [(topic, topic class, decision)]).
DAHU_SERIES = [
    (
        f"酬金制改革：{topic}",
        "物业服务",
        "形成“固定酬金+考核激励+阳光监督”运行模式" if i == len(DAHU) - 1 else f"{topic}议定",
    )
    for i, topic in enumerate(DAHU)
]
DOCUMENTED = (
    (
        "open_block",
        "河罕上街区",
        "红茶议事会",
        330,
        40,
        {"merchants": 12, "residents": 6, "property": 1, "party_members": 7},
        HEHANSHANG,
    ),
    (
        "open_block",
        "小河直街历史街区",
        "红茶议事会",
        300,
        45,
        {"departments": 2, "residents_committee": 2, "merchants": 8, "residents": 5},
        XIAOHE,
    ),
    (
        "compound",
        "大浒东苑BC区",
        "专题议事会",
        360,
        25,
        {"owners_committee": 5, "property": 2, "residents": 8, "residents_committee": 1},
        DAHU_SERIES,
    ),
)


def build_demo_meetings(session: Session, now: datetime, seed: int) -> int:
    """Write the documented meetings (where their places exist) and a year of generated ones;
    return how many meetings."""
    rng = np.random.default_rng(seed)
    today = now.date()
    rows: list[dict[str, Any]] = []
    for place_kind, name, kind, first, step, sides, series in DOCUMENTED:
        code = session.execute(
            text("SELECT min(code) FROM zone_polygons WHERE kind = :k AND name = :n"),
            {"k": place_kind, "n": name},
        ).scalar()
        if code is None:  # a synthetic city has none of the named places
            continue
        for i, (topic, cls, decision) in enumerate(series):
            held = today - timedelta(days=first - step * i)
            rows.append(_row(kind, place_kind, code, held, topic, cls, decision, sides))
    rows.extend(_generated(session, rng, today))
    rows.extend(_joint(session, np.random.default_rng(seed + 1), today))
    rows.extend(_couriers(session, today))
    _write(session, rows, rng, today)
    return len(rows)


COURIER_TOPICS = (
    ("电动车充电与停放", "消防安全"),
    ("商圈送餐通道", "街区发展"),
    ("骑手权益与法律服务", "其他"),
    ("随手拍积分兑换", "其他"),
)


def _couriers(session: Session, today: date) -> list[dict[str, Any]]:
    """小哥治家会: the couriers' own meeting at each 小哥之家, every month of the last year."""
    homes = session.execute(
        text("SELECT code FROM facilities WHERE kind = 'courier_home' ORDER BY code")
    ).scalars()
    rows = []
    for code in homes:
        for i in range(12):
            topic, cls = COURIER_TOPICS[i % len(COURIER_TOPICS)]
            sides = {"residents": 8 + i % 5, "party_members": 2, "departments": 1}
            held = today - timedelta(days=30 * i + 5)
            rows.append(
                _row("小哥治家会", "facility", code, held, topic, cls, f"{topic}：议定", sides)
            )
    return rows


JOINT_TOPICS = (
    ("业委会换届指导", "物业服务"),
    ("老旧小区物业服务考核", "物业服务"),
    ("小区微治理专项资金使用", "其他"),
    ("三方矛盾调解情况通报", "其他"),
    ("消防通道与电动车充电整治", "消防安全"),
    ("垃圾分类三方责任落实", "垃圾分类"),
)


def _joint(session: Session, rng: np.random.Generator, today: date) -> list[dict[str, Any]]:
    """三方协同联席会议 over the last year: the district's each quarter, each street's every
    two months, with the departments (民政、住建、执法、消防) and the three parties at the table;
    now and then the property side sends no one."""
    places = [("district", c) for c in session.execute(text("SELECT code FROM districts"))]
    places += [("street", c) for c in session.execute(text("SELECT code FROM streets"))]
    rows = []
    for kind, (code,) in places:
        every = 90 if kind == "district" else 60
        for i in range(365 // every):
            topic, cls = JOINT_TOPICS[int(rng.integers(0, len(JOINT_TOPICS)))]
            sides = {
                "residents_committee": int(rng.integers(1, 4)),
                "owners_committee": int(rng.integers(1, 4)),
                "property": 0 if rng.random() < 0.125 else int(rng.integers(1, 4)),
                "departments": int(rng.integers(2, 7)),
            }
            held = today - timedelta(days=every * i + int(rng.integers(1, 20)))
            rows.append(
                _row("联席会议", kind, code, held, topic, cls, f"{topic}：明确三方分工", sides)
            )
    return rows


def _row(
    kind: str,
    place_kind: str,
    code: str,
    held_on: date,
    topic: str,
    topic_class: str,
    decisions: str | None,
    participants: dict[str, int],
    outcome: str = "agreed",
) -> dict[str, Any]:
    return {
        "kind": kind,
        "place_kind": place_kind,
        "place_code": code,
        "held_on": held_on,
        "topic": topic,
        "topic_class": topic_class,
        "participants": json.dumps(participants),
        "decisions": decisions,
        "outcome": outcome,
    }


def _generated(session: Session, rng: np.random.Generator, today: date) -> list[dict[str, Any]]:
    """A year of meetings: a quarter of the compounds hold one to four (小区说事亭, or a
    三和楼事会 at one of their buildings), open blocks a 红茶议事会 now and then."""
    compounds = session.execute(text("SELECT code FROM compounds ORDER BY code")).scalars().all()
    buildings = dict(
        session.execute(
            text("SELECT compound_code, min(code) FROM residential_buildings GROUP BY 1")
        ).all()
    )
    blocks = session.execute(text("SELECT code FROM open_blocks ORDER BY code")).scalars().all()
    classes = list(GENERATED_TOPICS)
    weights = np.array([0.25, 0.12, 0.15, 0.2, 0.03, 0.2, 0.05])
    rows = []
    places = [("compound", c) for c in compounds if rng.random() < 0.25]
    places += [("open_block", b) for b in blocks if rng.random() < 0.1]
    for kind, code in places:
        for _ in range(int(rng.integers(1, 5))):
            cls = str(rng.choice(classes, p=weights / weights.sum()))
            if kind == "open_block" and cls == "物业服务":
                cls = "街区发展"
            held = today - timedelta(days=int(rng.integers(-14, 365)))
            place_kind, place = kind, code
            meeting = "红茶议事会" if kind == "open_block" else "小区说事亭"
            if kind == "compound" and code in buildings and rng.random() < 0.3:
                place_kind, place, meeting = "residential_building", buildings[code], "三和楼事会"
            topic = str(rng.choice(GENERATED_TOPICS[cls]))
            outcome = str(rng.choice(["agreed", "partly", "deferred"], p=[0.75, 0.15, 0.1]))
            sides = {s: int(rng.integers(1, 8)) for s in SIDES if rng.random() < 0.7}
            rows.append(
                _row(
                    meeting,
                    place_kind,
                    place,
                    held,
                    topic,
                    cls,
                    f"{topic}：议定分工推进",
                    sides,
                    outcome,
                )
            )
    return rows


def _write(
    session: Session, rows: list[dict[str, Any]], rng: np.random.Generator, today: date
) -> None:
    """Meetings not yet held are scheduled; held ones decided with one to three actions, done
    unless their due date is still ahead (then the meeting stays decided), else closed."""
    for r in rows:
        held = r["held_on"]
        at = datetime.combine(held, time(19, 0))
        if held > today:
            r.update(
                status="scheduled", decisions=None, outcome=None, decided_at=None, closed_at=None
            )
        else:
            r.update(status="decided", decided_at=at)
        r["id"] = session.execute(
            text(
                "INSERT INTO meetings (kind, place_kind, place_code, held_on, topic, topic_class, "
                "participants, status, outcome, decisions, created_by, created_at, decided_at) "
                "VALUES (:kind, :place_kind, :place_code, :held_on, :topic, :topic_class, "
                "CAST(:participants AS jsonb), :status, :outcome, :decisions, 'demo', :created, "
                ":decided_at) RETURNING id"
            ),
            {**r, "created": at - timedelta(days=7)},
        ).scalar_one()
        if r["status"] != "decided":
            continue
        due_all = []
        for k in range(int(rng.integers(1, 4))):
            due = held + timedelta(days=int(rng.integers(7, 60)))
            done = due <= today or rng.random() < 0.3
            due_all.append(done)
            session.execute(
                text(
                    "INSERT INTO meeting_actions (meeting_id, action, owner, due_on, status, "
                    "done_at, done_by) VALUES (:m, :a, :o, :d, :s, :at, :by)"
                ),
                {
                    "m": r["id"],
                    "a": f"落实事项{k + 1}：{r['decisions']}",
                    "o": str(rng.choice(OWNERS)),
                    "d": due,
                    "s": "done" if done else "open",
                    "at": datetime.combine(min(due, today), time(17, 0)) if done else None,
                    "by": "demo" if done else None,
                },
            )
        if all(due_all):
            session.execute(
                text(
                    "UPDATE meetings SET status = 'closed', "
                    "closed_at = LEAST(decided_at + interval '30 days', now()) WHERE id = :m"
                ),
                {"m": r["id"]},
            )
