"""Build a whole district into the database: the demo (real OSM blocks) or a synthetic city."""

from __future__ import annotations

import gzip
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.bulk import copy_frame
from data.demo.accounts import ensure_demo_accounts
from data.demo.business import add_building_commissioners, build_offers
from data.demo.cases import generate_cases
from data.demo.chains import build_building_party_orgs
from data.demo.generator import generate_city
from data.demo.meetings import build_demo_meetings
from data.demo.open_blocks import build_demo_blocks
from data.demo.renewal import build_demo_renewal
from data.demo.residential import add_compound_commissioners
from data.demo.riders import build_riders
from data.demo.services import set_services
from data.demo.societies import build_societies
from data.demo.synthetic import synthetic_blocks, synthetic_roads
from data.demo.targets import Targets
from data.demo.units import build_units, route_demo_cases
from data.demo.visits import build_demo_visits
from data.demo.xintiandi import build_business_history
from geo.assign import assign_pending
from geo.business.settings import load_business_settings
from geo.cases.partitions import ensure_months
from geo.coverage.derived import DERIVED, refresh_all
from geo.coverage.network import prepare_network
from geo.settings import Settings
from geo.vocabulary import DISTRICT_TZ, METRIC_SRID
from ops.progress import step

DISTRICT_TABLES = (  # every table a district build writes (accounts and keys stay)
    "business_activities",
    "meeting_agenda",
    "meeting_actions",
    "meetings",
    "renewal_signings",
    "renewal_buildings",
    "renewal_projects",
    "needs",
    "visit_requests",
    "visits",
    "offers",
    "firms",
    "member_partners",
    "partner_units",
    "shops",
    "party_members",
    "residential_buildings",
    "notices",
    "units",
    "case_events",
    "case_keys",
    "cases",
    "case_imports",
    "workers",
    "party_orgs",
    "facilities",
    "buildings",
    "business_communities",
    "compounds",
    "open_blocks",
    "grids",
    "communities",
    "streets",
    "road_edges",
    "districts",
)

DEMO_SEED = 20261123
BEIJING = ZoneInfo(DISTRICT_TZ)
CASES_PER_YEAR = 30_000  # per demo-sized district

# Write order (parents first). The generator's frames hold exactly each table's columns.
GEOMETRY_TABLES = (
    "streets",
    "communities",
    "grids",
    "compounds",
    "residential_buildings",
    "open_blocks",
    "business_communities",
    "buildings",
    "facilities",
)
CASE_COLUMNS = [
    "received_lon",
    "received_lat",
    "received_crs",
    "category_code",
    "description",
    "address",
    "reporter_name",
    "reporter_phone",
    "source",
    "status",
    "created_at",
    "closed_at",
]


@dataclass
class BuildReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    first_password: str | None = None  # admin's, on a district served beyond this machine


def read_demo_extract() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame]:
    """Roads, blocks and street codes shipped in data/demo (see data/README.md)."""
    demo = files("data").joinpath("demo")
    with tempfile.TemporaryDirectory() as tmp:
        gpkg = Path(tmp) / "gongshu.gpkg"
        with (
            demo.joinpath("gongshu.gpkg.gz").open("rb") as src,
            gzip.open(src) as z,
            gpkg.open("wb") as dst,
        ):
            shutil.copyfileobj(z, dst)
        roads = gpd.read_file(gpkg, layer="roads")
        blocks = gpd.read_file(gpkg, layer="blocks")
    with demo.joinpath("gongshu_streets.csv").open("r", encoding="utf-8") as f:
        streets = pd.read_csv(f, dtype=str).rename(columns={"street_code_9": "code"})
    return roads, blocks, streets


def build_district(
    session: Session,
    roads: gpd.GeoDataFrame,
    blocks: gpd.GeoDataFrame,
    streets: pd.DataFrame,
    targets: Targets,
    seed: int,
    cases: int,
    settings: Settings,
    now: datetime | None = None,
) -> BuildReport:
    """Generate and write every table; the caller commits. Tables must be empty."""
    t0 = datetime.now(UTC)
    report = BuildReport()
    # Reference data comes from the tables the migrations filled, never a second copy.
    kind_names = dict(session.execute(text("SELECT code, name FROM facility_kinds")).all())
    sla_hours = dict(session.execute(text("SELECT code, sla_hours FROM categories")).all())
    step("街区与小区")
    city = generate_city(blocks, streets, seed, targets, kind_names)
    for table in GEOMETRY_TABLES:
        step(table)
        frame = city[table]
        cols = [c for c in frame.columns if c != "geometry"]
        report.counts[table] = copy_frame(session, table, frame, cols)
    for table in ("firms", "party_orgs", "workers"):
        step(table)
        report.counts[table] = copy_frame(
            session, table, city[table], list(city[table].columns), None
        )
    step("路网")
    report.counts["road_edges"] = write_roads(session, roads)
    report.counts["road_edges_main"] = prepare_network(session).main_edges
    step("小区出入口")
    for sql in _GATES:
        session.execute(text(sql))
    report.counts["compound_entrances"] = int(
        session.execute(text("SELECT count(*) FROM compound_entrances")).scalar_one()
    )
    set_services(session)
    step("步行覆盖表")
    # coverage graph and grid slivers, built once with the district
    refresh_all(session, settings.coverage_reach_m, step)
    step("案件")

    rng = np.random.default_rng(seed + 1)
    cells = city["cells"]
    labels = _place_labels(city, cells)
    gen = generate_cases(cells, labels, cases, now or datetime.now(UTC), rng, sla_hours)
    ensure_months(session, gen["created_at"].min(), gen["created_at"].max())
    report.counts["cases"] = copy_frame(session, "cases", gen, CASE_COLUMNS)
    step("案件派网格")
    assign_pending(session, settings.snap_distance_m)
    session.execute(text(_DUE_AT))
    session.execute(text(_DEMO_EVENTS))
    step("议事会")
    report.counts["meetings"] = build_demo_meetings(session, now or datetime.now(UTC), seed + 2)
    step("有机更新")
    report.counts["renewal_projects"] = build_demo_renewal(session, seed + 3)
    report.seconds = (datetime.now(UTC) - t0).total_seconds()
    return report


def _place_labels(city: dict[str, pd.DataFrame], cells: pd.DataFrame) -> pd.Series:
    """A human place name per cell for case texts: its community's name."""
    comm = city["communities"].set_index("code")["name"]
    code = cells["street_code"] + cells["community_no"].map("{:03d}".format)
    return code.map(comm).fillna("辖区内")


def write_roads(session: Session, roads: gpd.GeoDataFrame) -> int:
    r = roads.to_crs(4326).reset_index(drop=True)
    length = r.to_crs(METRIC_SRID).length.round(2)
    df = pd.DataFrame(
        {
            "id": np.arange(1, len(r) + 1),
            "source": r["u_osm"].astype("int64"),
            "target": r["v_osm"].astype("int64"),
            "length_m": length,
            "cost": length,
            "reverse_cost": length,
            "name": r["name"],
        }
    )
    df = gpd.GeoDataFrame(df, geometry=r.geometry.values, crs=4326)
    return copy_frame(
        session,
        "road_edges",
        df,
        ["id", "source", "target", "length_m", "cost", "reverse_cost", "name"],
    )


def _people_and_work(
    session: Session,
    settings: Settings,
    now: datetime | None,
    report: BuildReport,
    documented: bool = True,
) -> None:
    """What a built district gets after its places: the demo accounts and key, the building
    commissioners, what the community offers, the open blocks' shops and people, a year of
    visits to firms, the business communities' activities (and 新天地's first year)."""
    step("账号与楼宇专员")
    report.first_password = ensure_demo_accounts(session, settings.demo_key if documented else None)
    report.counts["building_commissioners"] = add_building_commissioners(
        session, np.random.default_rng(DEMO_SEED + 4)
    )
    report.counts.update(build_building_party_orgs(session))
    report.counts.update(build_riders(session, np.random.default_rng(DEMO_SEED + 10)))
    report.counts["compound_commissioners"] = add_compound_commissioners(
        session, np.random.default_rng(DEMO_SEED + 8)
    )
    report.counts.update(
        build_societies(
            session, (now or datetime.now(UTC)).astimezone(BEIJING).date(), DEMO_SEED + 9
        )
    )
    step("资源清单")
    report.counts["offers"] = build_offers(session)
    moment = now or datetime.now(UTC)
    step("开放式街区")
    report.counts.update(
        build_demo_blocks(session, moment, DEMO_SEED + 6, settings.snap_distance_m)
    )
    report.counts["units"] = build_units(session)  # after the blocks: their partner units
    report.counts.update(route_demo_cases(session))
    today = moment.astimezone(BEIJING).date()
    step("一年的走访")
    gap = load_business_settings().visit_gap_days
    report.counts.update(build_demo_visits(session, today, DEMO_SEED + 5, gap))
    step("商务社区活动")
    report.counts.update(
        build_business_history(session, today, DEMO_SEED + 7, settings.snap_distance_m)
    )
    # The cockpit's running counts, one row per key: the build's many writes left about four
    # rows a key (the demo's 127,000 for 23,000 keys), which every cockpit figure adds up.
    session.execute(text("SELECT fold_case_tallies()"))


# The steps a district's build marks (ops/progress.py): tests/data/test_demo.py counts them
BUILD_STEPS = 1 + len(GEOMETRY_TABLES) + 3 + 7 + len(DERIVED) + 5


def build_demo(
    session: Session, settings: Settings, now: datetime | None = None, documented: bool = True
) -> BuildReport:
    """The Gongshu demo, with the demo accounts' documented passwords and the demo API key
    (settings.demo_key); documented False (served beyond this machine): only `admin`, with a
    random first password (report.first_password)."""
    roads, blocks, streets = read_demo_extract()
    report = build_district(
        session,
        roads,
        blocks,
        streets,
        Targets(),
        DEMO_SEED,
        CASES_PER_YEAR,
        settings,
        now,
    )
    _people_and_work(session, settings, now, report, documented)
    return report


def build_synthetic(
    session: Session, settings: Settings, scale: int, now: datetime | None = None
) -> BuildReport:
    roads = synthetic_roads(scale, DEMO_SEED + scale)
    blocks, streets = synthetic_blocks(roads, scale)
    report = build_district(
        session,
        roads,
        blocks,
        streets,
        Targets().scaled(scale),
        DEMO_SEED + scale,
        CASES_PER_YEAR * scale,
        settings,
        now,
    )
    _people_and_work(session, settings, now, report)
    return report


# Schematic gates (the compounds are schematic too): every compound's main gate (正门) where its
# boundary comes closest to the main road network; a compound of 2 ha or more also gets a side
# gate (侧门), toward the nearest main road at least 60 m from the main gate. Of roads as near as
# the nearest, to 1e-7° (1 cm; several touch a compound cut from a road-bounded block), the
# lowest id is taken, so every build places the same gates (index order had decided: 971 to 973
# gates from the same data).
_GATES = (
    """
INSERT INTO compound_entrances (code, compound_code, name, schematic, geom)
SELECT c.code || '-M1', c.code, c.name || '正门', true, ST_ClosestPoint(ST_Boundary(c.geom), r.geom)
FROM compounds c
CROSS JOIN LATERAL (
    SELECT geom <-> c.geom AS d FROM road_edges WHERE main ORDER BY geom <-> c.geom LIMIT 1
) n
CROSS JOIN LATERAL (
    SELECT geom FROM road_edges
    WHERE main AND ST_DWithin(geom, c.geom, n.d + 1e-7)
    ORDER BY id LIMIT 1
) r
""",
    """
INSERT INTO compound_entrances (code, compound_code, name, schematic, geom)
SELECT c.code || '-M2', c.code, c.name || '侧门', true, g.p
FROM compounds c
JOIN compound_entrances m ON m.code = c.code || '-M1'
CROSS JOIN LATERAL (
    SELECT geom <-> c.geom AS d FROM road_edges
    WHERE main AND NOT ST_DWithin(geom::geography, m.geom::geography, 60)
    ORDER BY geom <-> c.geom LIMIT 1
) n
CROSS JOIN LATERAL (
    SELECT geom FROM road_edges
    WHERE main AND ST_DWithin(geom, c.geom, n.d + 1e-7)
      AND NOT ST_DWithin(geom::geography, m.geom::geography, 60)
    ORDER BY id LIMIT 1
) r
CROSS JOIN LATERAL (SELECT ST_ClosestPoint(ST_Boundary(c.geom), r.geom) AS p) g
WHERE ST_Area(c.geom::geography) >= 20000 AND NOT ST_DWithin(g.p::geography, m.geom::geography, 60)
""",
)

_DUE_AT = """
UPDATE cases c SET due_at = c.created_at + make_interval(hours => k.sla_hours),
                   updated_at = COALESCE(c.closed_at, c.created_at)
FROM categories k WHERE k.code = c.category_code AND c.due_at IS NULL
"""

# Demo cases carry the event trail their status implies (created → … → closed).
_DEMO_EVENTS = """
INSERT INTO case_events (case_id, case_created_at, at, actor, kind, from_status, to_status, note)
SELECT id, created_at, created_at, 'reporter', 'created', NULL, 'reported', '演示数据' FROM cases
UNION ALL
SELECT id, created_at, created_at + interval '5 minutes', 'system', 'transition', 'reported',
       'assigned', '自动派单至网格'
FROM cases WHERE status <> 'reported'
UNION ALL
SELECT id, created_at, created_at + interval '40 minutes', worker_id, 'transition', 'assigned',
       'accepted', NULL
FROM cases WHERE status IN ('accepted', 'resolved', 'closed')
UNION ALL
SELECT id, created_at, COALESCE(closed_at - interval '30 minutes', created_at + interval '3 hours'),
       worker_id, 'transition', 'accepted', 'resolved', '已处置'
FROM cases WHERE status IN ('resolved', 'closed')
UNION ALL
SELECT id, created_at, closed_at, 'inspector', 'verify', 'resolved', 'closed', '核查通过，结案'
FROM cases WHERE status = 'closed'
"""
