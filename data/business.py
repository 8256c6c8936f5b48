"""Generated firms in the business buildings (issue #18), with valid 统一社会信用代码.

Published figures (拱墅区), scaled by the number of business communities: 30 business
communities serve 621 buildings and more than 30,000 firms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data import names
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
