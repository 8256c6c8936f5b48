"""A year of generated cases: realistic categories, places and timestamps (fixed seed)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd

from data.demo import names
from data.demo.cells import random_points_in
from geo.vocabulary import METRIC_SRID

# (category code, weight, description templates)
CASE_MIX = [
    (
        "parking",
        18,
        ["{p}门口车辆乱停，堵住消防通道", "{p}非机动车乱停放", "{p}僵尸车长期占用车位"],
    ),
    ("city_appearance", 16, ["{p}附近垃圾堆放未清运", "{p}绿化带内有暴露垃圾", "{p}路面有油污"]),
    ("dispute", 10, ["{p}邻里因漏水产生纠纷", "{p}租户与房东押金纠纷", "{p}楼上噪音引发邻里矛盾"]),
    ("cooking_fumes", 8, ["{p}沿街餐饮油烟直排", "{p}烧烤店油烟扰民"]),
    (
        "facility_repair",
        12,
        ["{p}路灯不亮", "{p}井盖松动", "{p}电梯故障困人后未修复", "{p}健身器材损坏"],
    ),
    ("property_service", 8, ["{p}物业未及时清理楼道杂物", "{p}小区门禁损坏物业未处理"]),
    ("street_order", 9, ["{p}占道经营", "{p}流动摊贩聚集"]),
    ("construction", 5, ["{p}夜间施工噪声", "{p}工地渣土未覆盖"]),
    ("advertising", 4, ["{p}乱张贴小广告", "{p}违规设置户外广告牌"]),
    ("noise", 6, ["{p}广场舞音响声音过大", "{p}商铺高音喇叭叫卖"]),
    ("fire_hazard", 3, ["{p}楼道电动车充电", "{p}堆放易燃杂物"]),
    ("emergency", 1, ["{p}水管爆裂路面积水", "{p}树木倒伏阻断道路"]),
]
LOCAL = ZoneInfo("Asia/Shanghai")
SOURCES = ["app", "hotline_12345", "worker_patrol", "wechat"]
HOURLY = np.array(
    [1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 7, 7, 9, 10, 9, 8, 8, 9, 8, 6, 3, 2], dtype=float
)


def generate_cases(
    cells: pd.DataFrame,
    place_names: pd.Series,
    n: int,
    end: datetime,
    rng: np.random.Generator,
    sla_hours: dict[str, float],
) -> gpd.GeoDataFrame:
    """n cases over the 365 days before `end`; cells are the generator's (metric) cells;
    sla_hours: each category's time limit (the categories table).

    The daily rhythm is in local time (Asia/Shanghai); timestamps are stored tz-aware.
    """
    end = end.astimezone(LOCAL)
    w = (cells["households"] + np.where(cells["use"] == "business", 300, 40)).to_numpy(dtype=float)
    pick = rng.choice(len(cells), size=n, p=w / w.sum())
    geoms = random_points_in(cells["geom"].values[pick], rng)
    cat_w = np.array([c[1] for c in CASE_MIX], dtype=float)
    cat = rng.choice(len(CASE_MIX), size=n, p=cat_w / cat_w.sum())
    days = rng.integers(0, 365, size=n)
    weekday_damp = np.where(((end - pd.to_timedelta(days, unit="D")).day_of_week >= 5), 0.7, 1.0)
    keep_day = rng.random(n) < weekday_damp
    days = np.where(keep_day, days, rng.integers(0, 365, size=n))
    hours = rng.choice(24, size=n, p=HOURLY / HOURLY.sum())
    created = [
        end.replace(minute=0, second=0, microsecond=0) - timedelta(days=int(d)) for d in days
    ]
    created = [
        c.replace(hour=int(h)) + timedelta(minutes=int(m))
        for c, h, m in zip(created, hours, rng.integers(0, 60, size=n), strict=True)
    ]
    created = [min(c, end - timedelta(minutes=1)) for c in created]
    codes = [CASE_MIX[i][0] for i in cat]
    place = place_names.to_numpy()[pick]
    desc = [str(rng.choice(CASE_MIX[i][2])).format(p=p) for i, p in zip(cat, place, strict=True)]
    age_h = np.array([(end - c).total_seconds() / 3600 for c in created])
    sla = np.array([sla_hours[c] for c in codes], dtype=float)
    # Older cases are mostly closed; a few overran their time limit.
    status = np.where(age_h > sla * 3, "closed", "assigned")
    recent = age_h <= sla * 3
    r = rng.random(n)
    status = np.where(recent & (r < 0.25), "reported", status)
    status = np.where(recent & (r >= 0.25) & (r < 0.5), "accepted", status)
    status = np.where(recent & (r >= 0.5) & (r < 0.8), "resolved", status)
    late = rng.random(n) < 0.07
    resolve_h = np.where(late, sla * rng.uniform(1.05, 2.5, n), sla * rng.uniform(0.1, 0.95, n))
    closed = [
        c + timedelta(hours=float(h)) if s == "closed" else None
        for c, h, s in zip(created, resolve_h, status, strict=True)
    ]
    out = gpd.GeoDataFrame(
        {
            "category_code": codes,
            "description": desc,
            "address": place,
            "reporter_name": [names.person(rng) for _ in range(n)],
            "reporter_phone": [names.phone(int(i)) for i in rng.integers(0, 10000, n)],
            "source": rng.choice(SOURCES, size=n),
            "status": status,
            "created_at": pd.to_datetime(created, utc=True),
            "closed_at": pd.to_datetime(closed, utc=True),
        },
        geometry=list(geoms),
        crs=METRIC_SRID,
    ).to_crs(4326)
    out["received_lon"] = out.geometry.x.round(7)
    out["received_lat"] = out.geometry.y.round(7)
    out["received_crs"] = "wgs84"
    return out.sort_values("created_at").reset_index(drop=True)
