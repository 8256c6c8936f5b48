"""The small hand-made district every database test starts from.

Coordinates are metres in EPSG:4549 near Gongshu, converted to WGS84 on insert, so the
shapes are easy to read:

    street 330105001 ─ community 330105001001 (x 0–400, y 0–200)
        grid …001  x   0–200     grid …002  x 200–400
        They share the edge x = 200, which has a vertex at (200, 100) in both grids, so a
        point can sit exactly on it. A compound (20–180 × 20–180) lies inside grid 001.
    A worker per grid, the community party committee, the compound's branch; an account per
    role (ACCOUNTS, password(username)), each with the key "<username>-key"; and the keys
    "dispatch-key" (the street account's) and "worker-a-key" (grid 001's worker's).
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.accounts import add_account
from geo.accounts.apikeys import create_key
from geo.coverage.derived import refresh_all
from geo.settings import load_settings

# The defaults, whatever the environment says: tests state their settings. No rate limit: a
# suite makes hundreds of requests a minute from one address (tests/web/test_limits.py has its own).
SETTINGS = load_settings({"GRIDMAP_RATE_LIMIT": "off"})
ORIGIN = (500_000.0, 3_352_000.0)  # EPSG:4549 metres, about 120.0°E 30.29°N
TO_WGS = Transformer.from_crs(4549, 4326, always_xy=True)

STREET, COMMUNITY = "330105001", "330105001001"
GRID_A, GRID_B = "330105001001001", "330105001001002"
COMPOUND = "330105001001XQ001"
# a business community with two buildings, for the tests of firms and visits (conftest `towers`)
BC, B1, B2 = f"{STREET}SW001", f"{STREET}SW001LY001", f"{STREET}SW001LY002"
WORKER_A, WORKER_B = "W330105001001001", "W330105001001002"


def _to_wgs(xy: np.ndarray) -> np.ndarray:
    lon, lat = TO_WGS.transform(ORIGIN[0] + xy[:, 0], ORIGIN[1] + xy[:, 1])
    return np.column_stack([lon, lat])


def m_poly(*xy: tuple[float, float]) -> shapely.Polygon:
    """A polygon given in metres relative to ORIGIN, returned in WGS84."""
    return shapely.transform(shapely.Polygon(xy), _to_wgs)


def m_box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return m_poly((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def m_point(x: float, y: float) -> tuple[float, float]:
    lon, lat = _to_wgs(np.array([[x, y]], dtype=float))[0]
    return float(lon), float(lat)


def ewkt(geom: shapely.Geometry) -> str:
    if geom.geom_type == "Polygon":
        geom = shapely.multipolygons([geom])
    return f"SRID=4326;{geom.wkt}"


GRID_A_SHAPE = ((0, 0), (200, 0), (200, 100), (200, 200), (0, 200))
GRID_B_SHAPE = ((200, 0), (400, 0), (400, 200), (200, 200), (200, 100))


# An account per role: (username, role, area, worker). "outsider" is street staff of
# another street: everything here is out of its area.
ACCOUNTS = (
    ("admin", "admin", "330105", None),
    ("command", "command", "330105", None),
    ("street", "street", STREET, None),
    ("community", "community", COMMUNITY, None),
    ("worker_a", "grid_worker", GRID_A, WORKER_A),
    ("worker_b", "grid_worker", GRID_B, WORKER_B),
    ("compound", "compound_commissioner", COMPOUND, None),
    ("building", "building_commissioner", "330105001SW001LY001", None),
    ("planner", "planner", "330105", None),
    ("outsider", "street", "330105002", None),
    ("department", "department", "330105", None),
    ("squad", "department", f"U{STREET}CG", None),  # the street's 执法中队 (a unit's account)
    ("inspector", "inspector", "330105", None),
    ("rider", "rider", "330105", None),  # a courier: reports, reads no case (issue #32)
)
# Handling units (geo/cases/units.py): the street's office and squads, the grids', the
# compound's property company
UNITS = (
    (f"U{STREET}JD", "米市巷街道办事处", "street_office", STREET),
    (f"U{STREET}CG", "米市巷综合行政执法中队", "department", STREET),
    (f"U{STREET}SJ", "米市巷市场监督管理所", "department", STREET),
    (f"U{GRID_A}WG", "第一网格", "grid", GRID_A),
    (f"U{GRID_B}WG", "第二网格", "grid", GRID_B),
    (f"U{COMPOUND}WY", "测试物业公司", "property", COMPOUND),
)


def password(username: str) -> str:
    return f"test-password-{username}"


def load_small_district(s: Session) -> None:
    s.execute(
        text("INSERT INTO streets (code, name, geom) VALUES (:c, '米市巷街道', :g)"),
        {"c": STREET, "g": ewkt(m_box(0, 0, 400, 200))},
    )
    s.execute(
        text(
            "INSERT INTO communities (code, name, street_code, geom) "
            "VALUES (:c, '测试社区', :s, :g)"
        ),
        {"c": COMMUNITY, "s": STREET, "g": ewkt(m_box(0, 0, 400, 200))},
    )
    for code, shape in ((GRID_A, GRID_A_SHAPE), (GRID_B, GRID_B_SHAPE)):
        s.execute(
            text(
                "INSERT INTO grids (code, name, community_code, households, geom) "
                "VALUES (:c, :n, :m, 400, :g)"
            ),
            {
                "c": code,
                "n": f"测试社区第{code[-1]}网格",
                "m": COMMUNITY,
                "g": ewkt(m_poly(*shape)),
            },
        )
    s.execute(
        text(
            "INSERT INTO compounds (code, name, community_code, households, geom) "
            "VALUES (:c, '测试新村', :m, 300, :g)"
        ),
        {"c": COMPOUND, "m": COMMUNITY, "g": ewkt(m_box(20, 20, 180, 180))},
    )
    s.execute(
        text(
            "INSERT INTO workers (id, name, phone, grid_code) VALUES "
            "(:a, '王网格', '13800000001', :ga), (:b, '李网格', '13800000002', :gb)"
        ),
        {"a": WORKER_A, "b": WORKER_B, "ga": GRID_A, "gb": GRID_B},
    )
    s.execute(
        text(
            "INSERT INTO party_orgs (code, name, kind, parent_code, area_kind, area_code) "
            "VALUES ('DW' || :m, '测试社区党委', 'community_committee', NULL, 'community', :m), "
            "('DZB' || :x, '测试新村党支部', 'compound_branch', 'DW' || :m, 'compound', :x)"
        ),
        {"m": COMMUNITY, "x": COMPOUND},
    )
    s.execute(
        text("INSERT INTO units (code, name, kind, area_code) VALUES (:c, :n, :k, :a)"),
        [{"c": c, "n": n, "k": k, "a": a} for c, n, k, a in UNITS],
    )
    for username, role, area, worker in ACCOUNTS:
        add_account(
            s, username, role, [area], password(username), worker_id=worker, must_change=False
        )
        create_key(s, username, worker, key=f"{username}-key", account=username)
    # a 小哥驿站 in grid B, where the fixture's rider is registered
    lon, lat = m_point(300, 150)
    s.execute(
        text(
            "INSERT INTO facilities (code, name, kind, geom) VALUES ('FCP1', '测试小哥驿站', "
            "'courier_post', ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
        ),
        {"x": lon, "y": lat},
    )
    s.execute(
        text(
            "INSERT INTO riders (account_id, post_code) "
            "SELECT id, 'FCP1' FROM accounts WHERE username = 'rider'"
        )
    )
    add_account(s, "newbie", "street", [STREET], password("newbie"))  # must change it first
    create_key(s, "dispatch", key="dispatch-key", account="street")
    create_key(s, "worker A", WORKER_A, key="worker-a-key", account="worker_a")
    refresh_all(s, SETTINGS.coverage_reach_m)  # as a loader does after writing


def add_towers(session: Session) -> None:
    """A business community with two buildings in grid B (BC, B1, B2)."""
    session.execute(
        text(
            "INSERT INTO business_communities (code, name, street_code, geom) "
            "VALUES (:bc, '测试商务社区', :s, ST_Multi(ST_GeomFromText(:g, 4326)))"
        ),
        {"bc": BC, "s": STREET, "g": m_box(210, 10, 390, 190).wkt},
    )
    for code, box in (
        (B1, m_box(220, 20, 260, 60)),
        (B2, m_box(300, 20, 340, 60)),
    ):
        session.execute(
            text(
                "INSERT INTO buildings (code, name, business_community_code, firms, geom) "
                "VALUES (:c, :n, :bc, 0, ST_Multi(ST_GeomFromText(:g, 4326)))"
            ),
            {"c": code, "n": f"楼宇{code[-1]}", "bc": BC, "g": box.wkt},
        )
