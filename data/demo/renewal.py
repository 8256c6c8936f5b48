"""The demo's renewal project (issue #17): 浙工新村 as published — 548 households, 547 signed in
85 days (99.82 %), 13 representatives (一楼幢一代表), the mobilisation meeting on 22 April
2023, the last signature at 23:54 on 30 June 2023, completing work group 二组's two buildings
and 80 households.

The published "85 days" and the two published dates are 16 days apart (22 April to 30 June is
69 days): the project is taken to start on 6 April 2023, 85 days before the last signature,
with the mobilisation meeting 16 days later; the curve runs from the mobilisation.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

STARTED, MOBILISED, LAST = date(2023, 4, 6), date(2023, 4, 22), date(2023, 6, 30)
GROUPS = (
    "一组",
    "一组",
    "一组",
    "二组",
    "二组",
    "三组",
    "三组",
    "三组",
    "四组",
    "四组",
    "四组",
    "五组",
    "五组",
)
BEIJING = ZoneInfo("Asia/Shanghai")


def rooms(units: int, floors: int, households: int) -> list[str]:
    """Room labels (2单元301 …) for a building's households, unit by unit, floor by floor."""
    per = max(1, -(-households // max(1, units * floors)))
    out = [
        f"{u}单元{f}{d:02d}"
        for u in range(1, units + 1)
        for f in range(1, floors + 1)
        for d in range(1, per + 1)
    ]
    return out[:households]


def build_demo_renewal(session: Session, seed: int) -> int:
    """Write the 浙工新村 project where the demo has it (not in a synthetic city): 1 or 0."""
    code = session.execute(
        text("SELECT code FROM compounds WHERE name = '浙工新村' ORDER BY code LIMIT 1")
    ).scalar()
    if code is None:
        return 0
    buildings = session.execute(
        text(
            "SELECT code, name, units, floors, households FROM residential_buildings "
            "WHERE compound_code = :c ORDER BY length(name), name"
        ),
        {"c": code},
    ).all()
    if len(buildings) != len(GROUPS):
        return 0
    pid = session.execute(
        text(
            "INSERT INTO renewal_projects (name, compound_code, started_on, mobilised_on) "
            "VALUES ('浙工新村危旧房有机更新', :c, :s, :m) RETURNING id"
        ),
        {"c": code, "s": STARTED, "m": MOBILISED},
    ).scalar_one()
    rng = np.random.default_rng(seed)
    span = (LAST - MOBILISED).days  # 69: the last day is the holdout's
    signings = []
    for i, (b, group) in enumerate(zip(buildings, GROUPS, strict=True)):
        session.execute(
            text(
                "INSERT INTO renewal_buildings (project_id, building_code, households, "
                "representative, group_name) VALUES (:p, :b, :h, :r, :g)"
            ),
            {"p": pid, "b": b.code, "h": b.households, "r": f"{b.name}代表", "g": group},
        )
        labels = rooms(b.units or 1, b.floors or 1, b.households)
        if i == 0:
            labels = labels[1:]  # the one household of 548 that did not sign
        for k, room in enumerate(labels):
            if group == "二组" and i == 3 and k == 0:  # the last signature of all: 23:54
                at = datetime.combine(LAST, time(23, 54), BEIJING)
            else:
                day = min(span - 1, int(rng.exponential(9.0)))
                minute = int(rng.integers(9 * 60, 21 * 60))
                at = datetime.combine(
                    MOBILISED + timedelta(days=day), time(minute // 60, minute % 60), BEIJING
                )
            signings.append({"p": pid, "b": b.code, "h": room, "at": at})
    session.execute(
        text(
            "INSERT INTO renewal_signings (project_id, building_code, household, signed_at, "
            "recorded_by) VALUES (:p, :b, :h, :at, 'demo')"
        ),
        signings,
    )
    return 1
