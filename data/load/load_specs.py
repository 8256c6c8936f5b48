"""What each loadable layer needs from a file: table, geometry kind, columns, parent."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LoadSpec:
    table: str
    geometry: str  # "polygon" | "point" | "line"
    required: tuple[str, ...]
    optional: dict[str, str] = field(default_factory=dict)  # column -> "int" | "text" | "date"
    parent: tuple[str, str] | None = None  # (column, table)
    refs: tuple[tuple[str, str], ...] = ()  # other (column, table) a non-empty value must name
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> {given: stored}
    code_kind: str | None = None  # street, community or grid: its code's shape (geo/codes.py)
    key: str = "code"


LOADABLE: dict[str, LoadSpec] = {
    "districts": LoadSpec("districts", "polygon", ("code", "name")),
    "streets": LoadSpec("streets", "polygon", ("code", "name"), code_kind="street"),
    "communities": LoadSpec(
        "communities",
        "polygon",
        ("code", "name", "street_code"),
        parent=("street_code", "streets"),
        code_kind="community",
    ),
    "grids": LoadSpec(
        "grids",
        "polygon",
        ("code", "name", "community_code"),
        {"households": "int"},
        parent=("community_code", "communities"),
        code_kind="grid",
    ),
    "compounds": LoadSpec(
        "compounds",
        "polygon",
        ("code", "name", "community_code"),
        {
            "households": "int",
            "compound_type": "text",
            "property_company": "text",
            "owners_committee": "text",
            "committee_kind": "text",
            "committee_term_start": "date",
            "committee_term_end": "date",
            "property_level": "text",
            "fee_model": "text",
        },
        parent=("community_code", "communities"),
    ),
    "residential_buildings": LoadSpec(
        "residential_buildings",
        "polygon",
        ("code", "name", "compound_code"),
        {
            "units": "int",
            "floors": "int",
            "households": "int",
            "year_built": "int",
            "elevator": "text",
            "elevators": "int",
            "elevator_date": "date",
        },
        parent=("compound_code", "compounds"),
    ),
    "business_communities": LoadSpec(
        "business_communities",
        "polygon",
        ("code", "name", "street_code"),
        parent=("street_code", "streets"),
    ),
    "buildings": LoadSpec(
        "buildings",
        "polygon",
        ("code", "name"),
        {"business_community_code": "text", "floors": "int", "firms": "int"},
        parent=("business_community_code", "business_communities"),
    ),
    "open_blocks": LoadSpec(
        "open_blocks",
        "polygon",
        ("code", "name", "community_code"),
        {"households": "int"},
        parent=("community_code", "communities"),
    ),
    "shops": LoadSpec(
        "shops",
        "point",
        ("code", "name", "open_block_code"),
        {"kind": "text", "trade": "text", "member_code": "text"},
        parent=("open_block_code", "open_blocks"),
        refs=(("member_code", "party_members"),),
        values={"kind": {"商铺": "shop", "摊位": "stall", "shop": "shop", "stall": "stall"}},
    ),
    "compound_entrances": LoadSpec(
        "compound_entrances",
        "point",
        ("code", "compound_code"),
        {"name": "text"},
        parent=("compound_code", "compounds"),
    ),
    "facilities": LoadSpec(
        "facilities",
        "point",
        ("code", "name", "kind"),
        {"address": "text"},
        parent=("kind", "facility_kinds"),
    ),
    "roads": LoadSpec(
        "road_edges", "line", ("id",), {"name": "text", "source": "int", "target": "int"}, key="id"
    ),
}

# Column names as Chinese data providers often spell them.
ALIASES = {
    "code": ("编码", "代码", "bm", "dm", "adcode"),
    "name": ("名称", "mc"),
    "street_code": ("街道编码", "街道代码"),
    "community_code": ("社区编码", "社区代码"),
    "compound_code": ("小区编码", "小区代码"),
    "business_community_code": ("商务社区编码",),
    "households": ("户数", "hs"),
    "kind": ("类型", "类别"),
    "address": ("地址",),
    "compound_type": ("小区类型",),
    "property_company": ("物业公司", "物业"),
    "owners_committee": ("业委会",),
    "committee_kind": ("业委会状态", "业主组织", "委员会类型"),
    "committee_term_start": ("届期开始", "任期开始"),
    "committee_term_end": ("届期结束", "任期结束", "换届时间"),
    "property_level": ("物业服务等级", "物业等级", "服务等级"),
    "fee_model": ("物业收费模式", "收费模式", "计费方式"),
    "open_block_code": ("街区编码", "街区代码"),
    "member_code": ("包干党员", "党员编号"),
    "trade": ("业态", "经营类别"),
    "units": ("单元数", "单元"),
    "floors": ("层数", "楼层"),
    "year_built": ("建成年份", "建成年代", "建造年份"),
    "elevator": ("电梯", "电梯状态", "电梯情况"),
    "elevators": ("电梯数", "电梯台数"),
    "elevator_date": ("电梯日期", "加装日期", "更新日期"),
    "id": ("seg_id", "fid_", "objectid"),
    "source": ("u_osm", "u"),
    "target": ("v_osm", "v"),
}
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度")
LAT_NAMES = ("lat", "latitude", "y", "纬度")
