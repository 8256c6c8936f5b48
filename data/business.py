"""Generated firms in the business buildings (issue #18), with valid 统一社会信用代码.

Published figures (拱墅区), scaled by the number of business communities: 30 business
communities serve 621 buildings and more than 30,000 firms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.orm import Session

from data import names
from geo.accounts import add_account
from geo.credit_code import CHARS, check_char, org_check

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


def build_firms(buildings: pd.DataFrame, n_bc: int, rng: np.random.Generator) -> pd.DataFrame:
    """Firms per building (lognormal, summing to FIRMS per 30 business communities); sets each
    building's `firms` to its count. Columns as the firms table."""
    total = round(FIRMS * max(1, n_bc) / 30)
    w = rng.lognormal(0.0, 0.7, len(buildings))
    counts = np.floor(total * w / w.sum()).astype(int)
    counts[np.argsort(-w, kind="stable")[: total - counts.sum()]] += 1
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
