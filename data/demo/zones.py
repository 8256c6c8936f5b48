"""Generated zones (schematic): residential compounds with their three parties, business
communities with building footprints, and open blocks, from the generator's cells (EPSG:4549).
"""

from __future__ import annotations

import zlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.affinity

from data.demo import names
from data.demo.business import build_firms
from data.demo.residential import build_residential_buildings
from data.demo.shapes import frame

# The district's published figures (拱墅区): owners' or property-management committees in 97 %
# of compounds, owners' committees alone in 92 %; professional property service in every old
# compound, 98 % of old compounds at level 丁 or better.
FORMED, OWNERS, GRADED_OLD = 0.97, 0.92, 0.98


def three_parties(comp: pd.DataFrame) -> None:
    """Each compound's owners' side, its term, and its property service's level and fee model,
    at exactly the published rates (rounded to whole compounds). Drawn from a generator of
    their own (seeded by the compounds' codes), so the rest of the city is drawn as before."""
    n = len(comp)
    seed = zlib.crc32("".join(comp["code"]).encode())
    prng = np.random.default_rng(seed)
    formed, owners = round(FORMED * n), round(OWNERS * n)
    rest = n - formed
    kinds = np.array(
        ["业委会"] * owners
        + ["物管委"] * (formed - owners)
        + ["社区托管"] * (rest - rest // 3)
        + ["无"] * (rest // 3)
    )
    comp["committee_kind"] = prng.permutation(kinds)
    formed_mask = comp["committee_kind"].isin(["业委会", "物管委"]).to_numpy()
    start = pd.Timestamp("2021-06-01") + pd.to_timedelta(prng.integers(0, 5 * 365, n), "D")
    comp["committee_term_start"] = np.where(formed_mask, start.date, None)
    comp["committee_term_end"] = np.where(
        formed_mask, (start + pd.DateOffset(years=5) - pd.Timedelta(days=1)).date, None
    )
    levels = np.array(["甲", "乙", "丙", "丁"])
    level = levels[prng.choice(4, n, p=[0.15, 0.35, 0.3, 0.2])]
    old = (comp["compound_type"] == "老旧小区").to_numpy()
    ungraded = np.zeros(n, dtype=bool)
    old_idx = np.flatnonzero(old)
    n_ungraded = len(old_idx) - round(GRADED_OLD * len(old_idx))
    ungraded[prng.choice(old_idx, n_ungraded, replace=False)] = True
    comp["property_level"] = np.where(ungraded, None, level)
    comp["fee_model"] = np.where(prng.random(n) < 0.25, "酬金制", "包干制")


# Places the published figures name (seeds), in their real streets: the largest compound or
# open block of the street takes the name. A synthetic city has none of these streets.
PUBLISHED_COMPOUNDS = {"330105008": "大浒东苑BC区"}  # 上塘街道: its fee reform (酬金制)
XIUYIN = ("330105009", "秀隐翠园")  # 祥符街道: a new compound's 20-odd societies (seed)
PUBLISHED_BLOCKS = {
    "330105017": "河罕上街区",  # 文晖街道: 52 shops, 25 stalls, six 红茶议事会
    "330105003": "小河直街历史街区",  # 小河街道: the five classes of 红茶议事会
    "330105013": "武林路街区",  # 武林街道: 12 office buildings, 642 shops, ~400 stalls
}


XINTIANDI = ("330105018", "新天地商务社区")  # 东新街道 (seeds): its first year's figures
XINTIANDI_FIRMS = 2_000


# business communities the seeds name, largest first in their street: 凤栖谷 (东新街道) with its
# three industry-chain branches; 汇金国际 (长庆街道), its buildings' governance committees
PUBLISHED_BCS = {
    XINTIANDI[0]: (XINTIANDI[1], "凤栖谷商务社区"),
    "330105014": ("汇金国际商务社区",),
}


def _publish_bc(rows: list[dict[str, object]], geoms: list[object]) -> str | None:
    """Name the business communities the seeds name, the largest of their street first;
    return 新天地's code."""
    for street, named in PUBLISHED_BCS.items():
        here = [i for i, r in enumerate(rows) if r["street_code"] == street]
        here.sort(key=lambda i: -shapely.area(geoms[i]))
        for i, name in zip(here, named, strict=False):
            rows[i]["name"] = name
    return next((str(r["code"]) for r in rows if r["name"] == XINTIANDI[1]), None)


def _publish(zones: pd.DataFrame, named: dict[str, str]) -> None:
    street = zones["community_code"].str[:9]
    for code, name in named.items():
        here = zones.index[(street == code).to_numpy() & (zones["name"] != "浙工新村").to_numpy()]
        if len(here):
            biggest = here[np.argmax(shapely.area(zones.loc[here, "geom"].to_numpy()))]
            zones.loc[biggest, "name"] = name


def _compounds(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per compound from its cells (a compound over a grid's size spans several:
    data/demo/residential.py), in the cells' order; its community is its largest cell's."""
    c = cells[cells["use"] == "compound"]
    first = c.sort_values("area", ascending=False, kind="stable").drop_duplicates("compound_id")
    g = c.groupby("compound_id", sort=True)
    out = first.set_index("compound_id").loc[list(g.groups)].copy()
    out["households"] = g["households"].sum()
    out["geom"] = [shapely.union_all(c.loc[i, "geom"].to_numpy()) for i in g.groups.values()]
    out["area"] = shapely.area(out["geom"].to_numpy())
    return out.reset_index()


def _building_counts(target: int, wants: list[int], slots: list[list[object]]) -> list[int]:
    """How many buildings each business community keeps: the target (the district's 621)
    shared in proportion to what each wanted, a community short of footprints passing its
    shortfall to those with footprints to spare."""
    if not wants:
        return []
    share = np.floor(target * np.asarray(wants, dtype=float) / sum(wants)).astype(int)
    share[np.argsort(-np.asarray(wants), kind="stable")[: target - share.sum()]] += 1
    room = np.array([len(s) for s in slots])
    counts = np.minimum(share, room)
    short = target - counts.sum()
    while short > 0 and (room > counts).any():
        for i in np.flatnonzero(room > counts):
            if short == 0:
                break
            counts[i] += 1
            short -= 1
    return [int(c) for c in counts]


def build_zones(
    cells: pd.DataFrame, rng: np.random.Generator, pool: names.NamePool, buildings: int
) -> dict[str, gpd.GeoDataFrame]:
    comp = _compounds(cells)
    inner = shapely.buffer(comp["geom"].values, -6.0)
    inner = np.where(shapely.area(inner) > 1000, inner, comp["geom"].values)
    comp["code"] = (
        comp["community_code"]
        + "XQ"
        + (comp.groupby("community_code").cumcount() + 1).map("{:03d}".format)
    )
    comp["name"] = [
        pool.take() + str(rng.choice(names.COMPOUND_SUFFIX[t])) for t in comp["compound_type"]
    ]
    comp["name"] = comp["compound_name"].fillna(comp["name"])
    _publish(comp, PUBLISHED_COMPOUNDS)
    new = comp.index[
        (comp["community_code"].str[:9] == XIUYIN[0]).to_numpy()
        & (comp["compound_type"] == "商品房").to_numpy()
        & (comp["name"] != PUBLISHED_COMPOUNDS.get(XIUYIN[0])).to_numpy()
    ]
    if len(new):  # the largest new compound of its street
        comp.loc[new[np.argmax(shapely.area(comp.loc[new, "geom"].to_numpy()))], "name"] = XIUYIN[1]
    comp["property_company"] = [
        f"杭州{rng.choice(names.PROPERTY_WORDS)}{rng.choice(names.PROPERTY_WORDS)}物业服务有限公司"
        for _ in range(len(comp))
    ]
    rng.random(len(comp))  # the draw of the old owners'-committee rule: the rest stays as it was
    three_parties(comp)
    comp.loc[comp["name"] == "大浒东苑BC区", "fee_model"] = "酬金制"  # its fee reform
    has_oc = comp["committee_kind"].isin(["业委会", "物管委"]).to_numpy()
    suffix = np.where(comp["committee_kind"] == "业委会", "业主委员会", "物业管理委员会")
    comp["owners_committee"] = np.where(has_oc, comp["name"] + suffix, None)
    comp["contacts"] = [
        {
            "residents_committee": {"name": names.person(rng), "phone": names.phone(i)},
            "owners_committee": {"name": names.person(rng), "phone": names.phone(i + 3000)}
            if oc
            else None,
            "property": {"name": names.person(rng), "phone": names.phone(i + 6000)},
        }
        for i, oc in enumerate(has_oc)
    ]
    compounds = frame(
        comp[
            [
                "code",
                "name",
                "community_code",
                "households",
                "compound_type",
                "property_company",
                "owners_committee",
                "contacts",
                "committee_kind",
                "committee_term_start",
                "committee_term_end",
                "property_level",
                "fee_model",
            ]
        ].assign(schematic=True),
        inner,
    )

    homes = build_residential_buildings(comp, inner)

    ob = cells[cells["use"] == "open_block"].copy()
    ob["code"] = (
        ob["community_code"]
        + "JQ"
        + (ob.groupby("community_code").cumcount() + 1).map("{:03d}".format)
    )
    ob["name"] = [pool.take() + str(rng.choice(names.BLOCK_SUFFIX)) for _ in range(len(ob))]
    _publish(ob, PUBLISHED_BLOCKS)
    open_blocks = frame(
        ob[["code", "name", "community_code", "households"]].assign(schematic=True),
        ob["geom"].values,
    )

    biz = cells[cells["use"] == "business"]
    bc_rows, bc_geoms, slots, wants = [], [], [], []
    for b, grp in biz.groupby("bc", sort=True):
        code = f"{grp['street_code'].iloc[0]}SW{b + 1:03d}"
        area_geom = shapely.buffer(shapely.union_all(grp["geom"].values), -4.0)
        bc_rows.append(
            {
                "code": code,
                "name": pool.take() + str(rng.choice(names.BC_SUFFIX)),
                "street_code": grp["street_code"].iloc[0],
            }
        )
        bc_geoms.append(area_geom)
        room = shapely.buffer(area_geom, -8.0)
        shapely.prepare(room)
        placed: list[object] = []
        wants.append(int(rng.integers(20, 26)))
        room_for = wants[-1] + 10  # spare footprints, for business communities short of theirs
        bx0, by0, bx1, by1 = area_geom.bounds
        for _ in range(room_for * 60):
            if len(placed) >= room_for:
                break
            cx, cy = rng.uniform(bx0, bx1), rng.uniform(by0, by1)
            w, h = rng.uniform(18, 40), rng.uniform(14, 28)
            rect = shapely.affinity.rotate(
                shapely.box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), rng.uniform(-25, 25)
            )
            if room.contains(rect) and not any(rect.distance(p) < 4 for p in placed):
                placed.append(rect)
        slots.append(placed)
    b_rows, b_geoms = [], []
    for bc, placed, n in zip(
        bc_rows, slots, _building_counts(buildings, wants, slots), strict=True
    ):
        for i, rect in enumerate(placed[:n]):
            b_rows.append(
                {
                    "code": f"{bc['code']}LY{i + 1:03d}",
                    "name": pool.take() + str(rng.choice(names.BUILDING_SUFFIX)),
                    "business_community_code": bc["code"],
                    "floors": int(rng.integers(6, 40)),
                }
            )
            b_geoms.append(rect)
    xtd = _publish_bc(bc_rows, bc_geoms)
    b_frame = pd.DataFrame(b_rows)
    firms = build_firms(b_frame, len(bc_rows), rng, {xtd: XINTIANDI_FIRMS} if xtd else {})
    buildings_frame = frame(b_frame.assign(schematic=True), np.asarray(b_geoms))
    return {
        "firms": firms,
        "compounds": compounds,
        "residential_buildings": frame(
            homes.drop(columns="geom").assign(schematic=True), homes["geom"].to_numpy()
        ),
        "open_blocks": open_blocks,
        "business_communities": frame(
            pd.DataFrame(bc_rows).assign(schematic=True), np.asarray(bc_geoms)
        ),
        "buildings": buildings_frame,
    }
