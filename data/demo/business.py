"""Generated firms in the business buildings (issue #18), with valid 统一社会信用代码.

Published figures (拱墅区), scaled by the number of business communities: 30 business
communities serve 621 buildings and more than 30,000 firms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.demo import names
from geo.accounts.accounts import add_account
from geo.business.credit_code import CHARS, check_char, org_check

FIRMS = 30_500  # per 30 business communities: "more than 30,000"
INDUSTRIES = (
    "信息技术",
    "软件和信息服务",
    "人工智能",
    "生命健康",
    "金融服务",
    "商务服务",
    "文化创意",
    "电子商务",
    "科技咨询",
    "建筑设计",
    "商贸",
    "人力资源",
)
FIRM_WORDS = ("科技", "信息", "网络", "智能", "医药", "数据", "文化", "咨询", "贸易", "设计")
KEY_SHARE = 0.06  # 重点税源: the largest firms by capital


def credit_codes(n: int, rng: np.random.Generator, region: str = "330105") -> list[str]:
    """n distinct valid codes: registration 9 (市场监管), kind 1 (企业), the region, an
    organisation code with its GB 11714 check, and the GB 32100 check character."""
    out: set[str] = set()
    digits = np.array(list(CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY"))
    while len(out) < n:
        for body in rng.choice(digits, size=(n - len(out), 8)):
            org = "".join(body)
            first17 = "91" + region + org + org_check(org)
            if first17[16] in CHARS:  # X is in the set; every GB 11714 check is too
                out.add(first17 + check_char(first17))
    return sorted(out)


def _share(total: int, w: np.ndarray) -> np.ndarray:
    counts = np.floor(total * w / w.sum()).astype(int)
    counts[np.argsort(-w, kind="stable")[: total - counts.sum()]] += 1
    return counts


def build_firms(
    buildings: pd.DataFrame, n_bc: int, rng: np.random.Generator, fixed: dict[str, int]
) -> pd.DataFrame:
    """Firms per building (lognormal, summing to FIRMS per 30 business communities), a business
    community in `fixed` holding exactly its number (新天地: 2,000); sets each building's
    `firms` to its count. Columns as the firms table."""
    total = round(FIRMS * max(1, n_bc) / 30)
    w = rng.lognormal(0.0, 0.7, len(buildings))
    counts = np.zeros(len(buildings), dtype=int)
    held = np.zeros(len(buildings), dtype=bool)
    for bc, n in fixed.items():
        mine = (buildings["business_community_code"] == bc).to_numpy()
        if mine.any():
            counts[mine] = _share(n, w[mine])
            held |= mine
    counts[~held] = _share(total - counts.sum(), w[~held])
    buildings["firms"] = counts
    codes = credit_codes(total, rng)
    capital = np.round(rng.lognormal(5.5, 1.4, total), 2)  # 万元, median about 250
    key = capital >= np.quantile(capital, 1 - KEY_SHARE)
    words = names.two_char_names()  # a firm's name need not be unique; its code is
    forms = ("有限公司", "有限责任公司", "股份有限公司")
    return pd.DataFrame(
        {
            "code": rng.permutation(codes),
            "name": [
                f"杭州{a}{b}{c}"
                for a, b, c in zip(
                    rng.choice(words, total),
                    rng.choice(FIRM_WORDS, total),
                    rng.choice(forms, total, p=[0.8, 0.12, 0.08]),
                    strict=True,
                )
            ],
            "building_code": np.repeat(buildings["code"].to_numpy(), counts),
            "industry": rng.choice(INDUSTRIES, total),
            "employees": np.maximum(1, rng.lognormal(2.5, 1.0, total).round().astype(int)),
            "key_taxpayer": key,
            "registered_capital": capital,
            "schematic": True,
        }
    )


COMMISSIONERS = 120  # per 621 buildings: "about 120" full-time building commissioners (楼宇专员)


def add_building_commissioners(session: Session, rng: np.random.Generator) -> int:
    """Building commissioners for every business building, a run of neighbouring buildings of
    one business community each (about five): the demo's `building` account takes the first
    run, the others (lyzy002 …) sign in through the identity service only. Returns how many."""
    rows = session.execute(
        text("SELECT code, business_community_code FROM buildings ORDER BY code")
    ).all()
    if not rows:
        return 0
    per_bc: dict[str, list[str]] = {}
    for code, bc in rows:
        per_bc.setdefault(bc or "", []).append(code)
    want = max(1, round(len(rows) * COMMISSIONERS / 621))
    sizes = np.array([len(v) for v in per_bc.values()], dtype=float)
    share = np.maximum(1, np.floor(want * sizes / sizes.sum())).astype(int)
    share[np.argsort(-sizes, kind="stable")[: max(0, want - share.sum())]] += 1
    runs = [
        list(chunk)
        for codes, k in zip(per_bc.values(), share, strict=True)
        for chunk in np.array_split(np.array(codes), min(k, len(codes)))
    ]
    demo = session.execute(
        text(
            "SELECT a.id FROM accounts a JOIN account_areas r ON r.account_id = a.id "
            "WHERE a.username = 'building' AND r.code = :c"
        ),
        {"c": runs[0][0]},
    ).scalar()
    for i, run in enumerate(runs, start=1):
        if i == 1 and demo is not None:
            for code in run[1:]:
                session.execute(
                    text(
                        "INSERT INTO account_areas (account_id, kind, code) "
                        "VALUES (:a, 'building', :c) ON CONFLICT DO NOTHING"
                    ),
                    {"a": demo, "c": code},
                )
            continue
        taken = session.execute(
            text("SELECT 1 FROM accounts WHERE username = :u"), {"u": f"lyzy{i:03d}"}
        ).first()
        if taken:  # a database rebuilt with its accounts kept
            continue
        add_account(
            session,
            f"lyzy{i:03d}",
            "building_commissioner",
            [str(c) for c in run],
            None,
            display_name=f"{names.person(rng)}（楼宇专员）",
            must_change=False,
        )
    return len(runs)


POLICIES = 216  # policy items the district has gathered
POLICY_TOPICS = {
    "注册落地": ("企业开办一件事联办", "总部企业落户奖励", "楼宇招商落地补助", "分支机构迁入便利"),
    "人才引进": (
        "高层次人才安居补贴",
        "应届大学生生活补贴",
        "人才子女入学服务",
        "技能人才培训补贴",
    ),
    "融资与银企对接": (
        "科技型企业贷款贴息",
        "小微企业担保费补助",
        "知识产权质押融资",
        "上市培育奖励",
    ),
    "政策咨询": (
        "研发费用加计扣除辅导",
        "高新技术企业认定辅导",
        "专精特新申报指导",
        "数字化改造补助",
    ),
    "住房": ("人才公寓申请", "青年人才租房补贴"),
}
MEASURES = (  # 楼宇服务二十条 (titles schematic), each with the need it answers
    ("楼宇专员一对一联系企业", "政策咨询"),
    ("企业诉求24小时响应", "其他"),
    ("楼宇党群服务站全覆盖", "政策咨询"),
    ("共享会议室免费预约", "物业与配套"),
    ("楼宇食堂与助餐点", "食堂"),
    ("错峰共享停车", "停车"),
    ("职工子女托育服务", "托育"),
    ("通勤接驳微公交", "通勤"),
    ("楼宇健身与文体活动", "文体"),
    ("职工健康驿站", "医疗"),
    ("人才公寓优先配租", "住房"),
    ("银企对接月度专场", "融资与银企对接"),
    ("招聘服务进楼宇", "人才引进"),
    ("企业开办帮办代办", "注册落地"),
    ("物业服务质量评价", "物业与配套"),
    ("楼宇消防安全共治", "其他"),
    ("法律服务进楼宇", "政策咨询"),
    ("税务服务驿站", "政策咨询"),
    ("知识产权服务站", "融资与银企对接"),
    ("楼宇治理议事会", "其他"),
)
VENUES = {  # facility kind -> the needs its place answers
    "canteen": ("食堂",),
    "sports_room": ("文体",),
    "reading_room": ("文体",),
    "party_service_centre": ("托育", "医疗", "政策咨询"),
    "building_station": ("政策咨询", "物业与配套", "停车"),
}


def build_offers(session: Session) -> int:
    """What the community can offer: the district's 216 policy items, the twenty building
    measures, and its venues and services at their facilities. Returns how many."""
    rows: list[dict[str, object]] = []
    topics = [(c, t) for c, ts in POLICY_TOPICS.items() for t in ts]
    for i in range(POLICIES):
        category, topic = topics[i % len(topics)]
        rows.append(
            {
                "kind": "policy",
                "category": category,
                "title": f"{topic}（第{i + 1}项）",
                "provider": "区级政策库",
                "facility": None,
            }
        )
    for title, category in MEASURES:
        rows.append(
            {
                "kind": "measure",
                "category": category,
                "title": title,
                "provider": "楼宇服务二十条",
                "facility": None,
            }
        )
    session.execute(
        text(
            "INSERT INTO offers (kind, category, title, provider) "
            "VALUES (:kind, :category, :title, :provider)"
        ),
        rows,
    )
    venues = 0
    for kind, categories in VENUES.items():
        for category in categories:
            venues += session.execute(
                text(
                    "INSERT INTO offers (kind, category, title, provider, facility_code, geom) "
                    "SELECT CASE WHEN :kind = 'building_station' THEN 'service' ELSE 'venue' END, "
                    ":category, name, '社区', code, geom FROM facilities WHERE kind = :kind"
                ),
                {"kind": kind, "category": category},
            ).rowcount
    return len(rows) + venues
