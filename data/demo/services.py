"""Generated party organisations, grid workers and service facilities for a district."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.demo import names
from data.demo.cells import random_points_in
from data.demo.residential import stairwell_branches
from data.demo.targets import Targets
from geo.vocabulary import METRIC_SRID


def build_party_orgs(t: dict[str, pd.DataFrame], rng: np.random.Generator) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    comm = t["communities"]
    for code, name in zip(comm["code"], comm["name"], strict=True):
        rows.append(
            {
                "code": f"DW{code}",
                "name": f"{name}党委",
                "kind": "community_committee",
                "parent_code": None,
                "area_kind": "community",
                "area_code": code,
            }
        )
    with_branch, stairwells = stairwell_branches(t["residential_buildings"], t["compounds"], rng)
    for r in t["compounds"].itertuples():
        if r.code not in with_branch:
            continue
        rows.append(
            {
                "code": f"DZB{r.code}",
                "name": f"{r.name}党支部",
                "kind": "compound_branch",
                "parent_code": f"DW{r.community_code}",
                "area_kind": "compound",
                "area_code": r.code,
            }
        )
    rows.extend(stairwells)
    first_comm = comm.groupby("street_code")["code"].min()
    for r in t["business_communities"].itertuples():
        rows.append(
            {
                "code": f"DZB{r.code}",
                "name": f"{r.name}党支部",
                "kind": "business_branch",
                "parent_code": f"DW{first_comm[r.street_code]}",
                "area_kind": "business_community",
                "area_code": r.code,
            }
        )
    for r in t["open_blocks"].itertuples():
        rows.append(
            {
                "code": f"DZZ{r.code}",
                "name": f"{r.name}党组织",
                "kind": "block_org",
                "parent_code": f"DW{r.community_code}",
                "area_kind": "open_block",
                "area_code": r.code,
            }
        )
    for r in t["streets"].itertuples():
        rows.append(
            {
                "code": f"LD{r.code}",
                "name": f"{r.name}快递小哥流动党支部",
                "kind": "mobile_branch",
                "parent_code": f"DW{first_comm[r.code]}",
                "area_kind": "street",
                "area_code": r.code,
            }
        )
    out = pd.DataFrame(rows)
    out["members"] = rng.integers(5, 80, size=len(out))
    return out


def build_workers(grids: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": "W" + grids["code"],
            "name": [names.person(rng) for _ in range(len(grids))],
            "phone": [names.phone(i + 9000) for i in range(len(grids))],
            "grid_code": grids["code"],
        }
    )


def build_facilities(
    cells: pd.DataFrame,
    t: dict[str, pd.DataFrame],
    rng: np.random.Generator,
    targets: Targets,
    kind_names: dict[str, str],
) -> gpd.GeoDataFrame:
    """~150 service facilities and 22 courier posts per demo-sized district, inside real cells."""
    k = max(1, targets.compounds // 690)
    rows: list[dict[str, object]] = []
    lived = cells[cells["households"] > 0]
    # One street-level centre per street, in the street's most populous cell.
    for _, grp in lived.groupby("street_code"):
        rows.append(
            {"cell": grp["households"].idxmax(), "kind": "party_service_centre", "level": "街道"}
        )
    comm_cells = lived.groupby("community_code")["households"].idxmax()
    picks = rng.choice(comm_cells.to_numpy(), size=min(len(comm_cells), 50 * k), replace=False)
    rows += [{"cell": c, "kind": "party_service_centre", "level": "社区"} for c in picks]
    # building service stations: "more than 90" for 30 business communities, three in each
    # and a fourth in the largest tenth
    biz = cells[cells["use"] == "business"].groupby("bc")
    largest = set(
        biz.size().sort_values(ascending=False, kind="stable").index[: -(-biz.ngroups // 10)]
    )
    for bc, grp in biz:
        for j in range(4 if bc in largest else 3):
            rows.append({"cell": grp.index[j % len(grp)], "kind": "building_station", "level": ""})
    for kind, n in (
        ("canteen", 32),
        ("sports_room", 12),
        ("reading_room", 10),
        ("courier_post", 22),
        ("courier_home", 2),  # 小哥之家: the couriers' own place, with its services (issue #32)
    ):
        if kind in ("courier_post", "courier_home"):  # 遍布在商圈、市场 (the seed): by business
            pool = cells.index[cells["use"].isin(["business", "open_block"])].to_numpy()
            w = cells.loc[pool, "area"].to_numpy(dtype=float)
        else:  # by the households they serve
            pool = lived.index.to_numpy()
            w = (cells.loc[pool, "households"] + 50).to_numpy(dtype=float)
        for c in rng.choice(pool, size=min(len(pool), n * k), replace=False, p=w / w.sum()):
            rows.append({"cell": c, "kind": kind, "level": ""})
    f = pd.DataFrame(rows)
    cell_geoms = cells.loc[f["cell"], "geom"].values
    inner = shapely.buffer(cell_geoms, -5.0)
    geoms = random_points_in(np.where(shapely.is_empty(inner), cell_geoms, inner), rng)
    comm_name = t["communities"].set_index("code")["name"]
    f["community_code"] = cells.loc[f["cell"], "community_code"].to_numpy()
    f["code"] = [f"F{kind[:2].upper()}{i + 1:05d}" for i, kind in enumerate(f["kind"])]
    f["name"] = [
        f"{comm_name[c].removesuffix('社区')}{lvl}{kind_names[kind]}"
        for c, lvl, kind in zip(f["community_code"], f["level"], f["kind"], strict=True)
    ]
    f["name"] = f["name"] + f.groupby("name").cumcount().map(
        lambda n: "" if n == 0 else f"({n + 1})"
    )
    return gpd.GeoDataFrame(
        f[["code", "name", "kind"]].assign(schematic=True), geometry=list(geoms), crs=METRIC_SRID
    ).to_crs(4326)


# What facilities offer beyond their kind: a street's integrated 党群服务中心 (片区化、集成型,
# the seed: 社区食堂、城市书房、运动中心 …) and a 小哥之家
SERVICES = {
    "party_service_centre": ["社区食堂", "城市书房", "运动中心", "托育", "养老服务"],
    "courier_home": ["充电", "饮水", "休息", "法律咨询", "技能培训"],
}


def set_services(session: Session) -> None:
    """The street-level 党群服务中心 and the 小哥之家 offer SERVICES (before the walks are built:
    a facility's row changed afterwards would set them rebuilding)."""
    session.execute(
        text(
            "UPDATE facilities SET services = :s WHERE kind = 'party_service_centre' "
            "AND name LIKE '%街道%'"
        ),
        {"s": SERVICES["party_service_centre"]},
    )
    session.execute(
        text("UPDATE facilities SET services = :s WHERE kind = 'courier_home'"),
        {"s": SERVICES["courier_home"]},
    )
