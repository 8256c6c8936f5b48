"""The generator is deterministic, and the synthetic city scales."""

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.demo.cells import bisect_capped
from data.demo.city import build_synthetic, read_demo_extract
from data.demo.generator import generate_city
from data.demo.synthetic import synthetic_blocks, synthetic_roads
from data.demo.targets import Targets
from tests.fixtures import SETTINGS


def test_same_seed_gives_the_same_district() -> None:
    _, blocks, streets = read_demo_extract()
    part = blocks[blocks.street_code.isin(["330105001", "330105013"])]
    t = Targets(communities=10, compounds=40, business_communities=2, buildings=40)
    kinds = {
        "party_service_centre": "党群服务中心",
        "building_station": "楼宇服务站",
        "courier_post": "小哥驿站",
        "canteen": "社区食堂",
        "sports_room": "文体活动室",
        "reading_room": "城市书房",
        "courier_home": "小哥之家",
    }
    a, b = generate_city(part, streets, 7, t, kinds), generate_city(part, streets, 7, t, kinds)
    for key in ("grids", "compounds", "facilities", "party_orgs"):
        pd.testing.assert_frame_equal(pd.DataFrame(a[key]), pd.DataFrame(b[key]))


def test_capped_bisection_keeps_every_group_within_the_cap() -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 1000, 300), rng.uniform(0, 1000, 300)
    size = rng.integers(0, 300, 300).astype(float)
    labels = bisect_capped(x, y, size + 1, size, cap=500, target=450)
    totals = pd.Series(size).groupby(labels).sum()
    assert totals.max() <= 500
    assert totals.sum() == size.sum()


def test_synthetic_lattice_has_the_demo_density() -> None:
    roads = synthetic_roads(1, 1)
    blocks, streets = synthetic_blocks(roads, 1)
    area_km2 = blocks.to_crs(4549).area.sum() / 1e6
    assert 55 < area_km2 < 80
    assert len(streets) == 18
    assert streets.code.str.fullmatch(r"339001\d{3}").all()


@pytest.mark.parametrize("scale", [1])
def test_synthetic_city_builds_at_scale(session: Session, scale: int) -> None:
    session.execute(
        text(
            "TRUNCATE cases, workers, party_orgs, facilities, buildings, business_communities, "
            "compounds, open_blocks, grids, communities, streets, road_edges CASCADE"
        )
    )
    report = build_synthetic(session, SETTINGS, scale)
    assert report.counts["streets"] == 18 * scale
    assert report.counts["compounds"] == 690 * scale
    assert session.execute(text("SELECT count(*) FROM cases WHERE rule IS NULL")).scalar() == 0
