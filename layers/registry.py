"""The layer registry: the only place a map layer is declared.

Pages, the layer list API, the OGC API, tiles and exports all read LAYERS. Each layer's SQL
lives in layers/sql/<key>.sql; layers/frames.py wraps it for each use and says what it binds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from geo.residential.words import INDICATOR_LABELS
from layers import frames

OSM = "路网与街区 © OpenStreetMap contributors (ODbL)"
TILE_ZOOM_OFFSET = 1  # a big screen may draw a tiled layer from tiles a zoom below its view
Page = Literal["cockpit", "worker", "planner", "renewal", "visits", "desk"]


@dataclass(frozen=True)
class LayerSpec:
    key: str
    title: str
    geometry: Literal["polygon", "line", "point"]
    style: dict[str, Any]
    tooltip: str  # property shown on hover
    popup: tuple[tuple[str, str], ...]  # (property, Chinese label)
    pages: frozenset[str]
    start: frozenset[str] = frozenset()  # pages where the layer is on when the page opens
    render: tuple[str, ...] = ("geojson",)  # or cluster / heat for points
    simplify: bool = False
    min_zoom: int = 0  # not drawn below this zoom (too dense to read)
    attribution: str | None = OSM
    by_kind: bool = False  # facilities: one overlay per kind
    choropleth: str | None = None  # property that colours polygons
    # the choropleth's colours (layers/pages.py COLORS): "ramp" (more is worse, from zero) or
    # "rate" (a share where more is better, from the lowest value to the highest)
    ramp: str = "ramp"
    color_by: str | None = None  # a property whose values each get a colour (points)
    choropleth_options: tuple[tuple[str, str], ...] = ()  # (property, label): the page may pick
    computed: bool = False  # built by geo/ (coverage walking areas), not by a SQL file
    # big layers: the pages draw them from vector tiles (webmap/tiles.py), each feature whole
    # in every tile it touches; tiles start TILE_ZOOM_OFFSET zooms below the layer's min_zoom
    tiled: bool = False
    # its features lie in the district: within the grids' extent, or the snap distance beyond
    # it (cases); a page asks for no tile of it beyond (the page config's "extent")
    in_district: bool = False
    # what a caller's role must be allowed (geo/access.py MAY) to read it, beyond "layers"
    access: str = "layers"

    @property
    def tile_min_zoom(self) -> int:
        return max(0, self.min_zoom - TILE_ZOOM_OFFSET)

    @property
    def sql(self) -> str:
        return frames.layer_sql(self.key)

    def binds(self, param: str) -> bool:
        """Whether the layer's SQL reads :param. A filter it does not read is no part of an
        answer, nor of a cache's key (webmap/tiles.py, webmap/api/layers.py)."""
        return f":{param}" in self.sql

    @property
    def states_changes(self) -> bool:
        """Whether its rows say when the clock alone changes them (layers/frames.py)."""
        return frames.states_changes(self.key)

    @property
    def items_sql(self) -> str:
        return frames.items_sql(self.key)

    @property
    def tile_sql(self) -> str:
        return frames.tile_sql(self.key)

    @property
    def extent_sql(self) -> str:
        return frames.extent_sql(self.key)

    @property
    def feature_collection_sql(self) -> str:
        return frames.feature_collection_sql(self.key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "geometry": self.geometry,
            "style": self.style,
            "tooltip": self.tooltip,
            "popup": [list(p) for p in self.popup],
            "pages": sorted(self.pages),
            "start": sorted(self.start),
            "render": list(self.render),
            "min_zoom": self.min_zoom,
            "attribution": self.attribution,
            "by_kind": self.by_kind,
            "choropleth": self.choropleth,
            "ramp": self.ramp,
            "choropleth_options": [list(o) for o in self.choropleth_options],
            "color_by": self.color_by,
            "url": f"/api/v1/layers/{self.key}.geojson",
            "tiles": f"/tiles/{self.key}/{{z}}/{{x}}/{{y}}.mvt" if self.tiled else None,
            # the same tiles as GeoJSON: what the maps' pages draw from (webmap/tiles.py)
            "geojson_tiles": (
                f"/tiles/{self.key}/{{z}}/{{x}}/{{y}}.geojson" if self.tiled else None
            ),
            "tile_min_zoom": self.tile_min_zoom,
            "in_district": self.in_district,
        }


# Facility kinds on maps and legends (the facilities layer draws one overlay per kind).
KIND_COLORS = {
    "party_service_centre": "#d7263d",
    "building_station": "#8e5fb0",
    "courier_post": "#f4a259",
    "courier_home": "#e67e22",
    "canteen": "#1b998b",
    "sports_room": "#2e86de",
    "reading_room": "#6ab04c",
}

ALL: frozenset[str] = frozenset({"cockpit", "worker", "planner", "desk"})
# The residential indicators a page may colour communities by (geo/residential/three_parties.py's
# keys).
RESIDENTIAL_INDICATORS = tuple(INDICATOR_LABELS.items())
_AREA = ("code", "编码"), ("name", "名称")

LAYERS: dict[str, LayerSpec] = {
    spec.key: spec
    for spec in (
        LayerSpec(
            "streets",
            "街道",
            "polygon",
            {"color": "#5b8def", "weight": 2.5, "fillOpacity": 0.0},
            "name",
            _AREA,
            ALL,
            start=ALL,
            simplify=True,
        ),
        LayerSpec(
            "communities",
            "社区",
            "polygon",
            {"color": "#7aa6c2", "weight": 1, "fillOpacity": 0.0, "dashArray": "4 3"},
            "name",
            (*_AREA, ("street", "街道")),
            ALL,
            start=frozenset({"planner", "worker"}),
            simplify=True,
        ),
        LayerSpec(
            "residential_indicators",
            "居民小区指标（按社区）",
            "polygon",
            {"color": "#7aa6c2", "weight": 0.8, "fillOpacity": 0.6},
            "name",
            (
                ("name", "社区"),
                ("compounds", "小区数"),
                ("committee_formation_n", "业委会/物管委组建"),
                ("committee_formation", "组建率(%)"),
                ("owners_committee", "业委会组建率(%)"),
                ("property_coverage_old", "老旧小区物业覆盖率(%)"),
                ("service_level_old_n", "老旧小区物业达丁级及以上"),
                ("elevators_added_n", "加装电梯(台/多层单元)"),
                ("elevators_renewed_n", "更新电梯(台/原有电梯)"),
                ("reelections_due", "90天内换届"),
                ("open_cases_per_100_households", "每百户在办案件"),
            ),
            frozenset({"cockpit", "planner"}),
            simplify=True,
            attribution=None,
            choropleth="committee_formation",
            ramp="rate",
            choropleth_options=RESIDENTIAL_INDICATORS,
        ),
        LayerSpec(
            "grids",
            "网格",
            "polygon",
            {"color": "#9aa5b1", "weight": 0.6, "fillOpacity": 0.35, "fillColor": "#2b3a4a"},
            "name",
            (
                *_AREA,
                ("community", "社区"),
                ("households", "户数"),
                ("open_cases", "在办案件"),
                ("worker", "网格员"),
            ),
            ALL,
            start=frozenset({"cockpit", "worker"}),
            simplify=True,
            choropleth="open_cases",
            tiled=True,
            in_district=True,
        ),
        LayerSpec(
            "compounds",
            "居民小区",
            "polygon",
            {"color": "#e0a458", "weight": 1, "fillOpacity": 0.25},
            "name",
            (
                *_AREA,
                ("compound_type", "类型"),
                ("households", "户数"),
                ("property_company", "物业"),
                ("owners_committee", "业委会"),
            ),
            ALL | {"renewal"},
            start=frozenset({"planner", "renewal"}),
            simplify=True,
            min_zoom=13,
            tiled=True,
            in_district=True,
        ),
        LayerSpec(
            "residential_buildings",
            "住宅楼幢",
            "polygon",
            {"color": "#c8553d", "weight": 1, "fillOpacity": 0.45},
            "label",
            (
                ("name", "楼幢"),
                ("compound", "小区"),
                ("units", "单元"),
                ("floors", "层数"),
                ("households", "户数"),
                ("year_built", "建成年份"),
                ("elevator", "电梯"),
                ("stairwell_branch", "楼道党支部"),
            ),
            frozenset({"worker", "planner"}),
            min_zoom=15,
            attribution=None,
        ),
        LayerSpec(
            "compound_entrances",
            "小区出入口",
            "point",
            {"color": "#a0522d", "radius": 3, "fillOpacity": 0.9, "weight": 1},
            "name",
            (("name", "名称"), ("compound", "小区")),
            frozenset({"worker", "planner"}),
            min_zoom=15,
            attribution=None,
        ),
        LayerSpec(
            "business_communities",
            "商务社区",
            "polygon",
            {"color": "#b07cc6", "weight": 1.5, "fillOpacity": 0.2},
            "name",
            _AREA,
            ALL,
            simplify=True,
        ),
        LayerSpec(
            "buildings",
            "楼宇",
            "polygon",
            {"color": "#8e5fb0", "weight": 1, "fillOpacity": 0.5},
            "name",
            (*_AREA, ("floors", "层数"), ("firms", "企业数")),
            ALL | {"visits"},
            start=frozenset({"visits"}),
            min_zoom=14,
            tiled=True,
        ),
        LayerSpec(
            "firms",
            "企业",
            "point",
            {"color": "#6c3483", "radius": 3, "fillOpacity": 0.8, "weight": 1},
            "name",
            (
                ("name", "企业"),
                ("code", "统一社会信用代码"),
                ("industry", "行业"),
                ("employees", "从业人员"),
                ("key_taxpayer", "重点税源"),
                ("building", "楼宇"),
            ),
            frozenset({"cockpit", "worker", "planner"}),
            min_zoom=17,
            attribution=None,
        ),
        LayerSpec(
            "open_blocks",
            "开放式街区",
            "polygon",
            {"color": "#6fb07c", "weight": 1, "fillOpacity": 0.2},
            "name",
            (
                *_AREA,
                ("households", "户数"),
                ("rules", "街区公约"),
                ("shops", "商铺"),
                ("stalls", "摊位"),
                ("covered_pct", "党员包干覆盖(%)"),
                ("breaches", "近一年违约案件"),
            ),
            ALL,
            simplify=True,
            min_zoom=13,
        ),
        LayerSpec(
            "shops",
            "商铺与摊位",
            "point",
            {"color": "#888888", "radius": 4, "fillOpacity": 0.9, "weight": 1},
            "name",
            (
                ("name", "名称"),
                ("kind", "类型"),
                ("trade", "业态"),
                ("block", "街区"),
                ("member", "包干党员"),
            ),
            frozenset({"cockpit", "worker", "planner"}),
            min_zoom=16,
            attribution=None,
            color_by="member_code",
        ),
        LayerSpec(
            "party_orgs",
            "党组织",
            "point",
            {"color": "#d7263d", "radius": 4, "fillOpacity": 0.9, "weight": 1},
            "name",
            (("name", "名称"), ("kind_label", "类型"), ("parent", "上级")),
            ALL,
            min_zoom=14,
            attribution=None,
        ),
        LayerSpec(
            "facilities",
            "服务设施",
            "point",
            {"color": "#1b998b", "radius": 6, "fillOpacity": 0.9, "weight": 1},
            "name",
            (("name", "名称"), ("kind_label", "类型"), ("community", "社区")),
            ALL,
            start=frozenset({"planner", "cockpit"}),
            by_kind=True,
            attribution=None,
        ),
        LayerSpec(
            "meetings",
            "议事会",
            "point",
            {"color": "#b5651d", "radius": 5, "fillOpacity": 0.85, "weight": 1},
            "name",
            (
                ("kind", "形式"),
                ("held_on", "日期"),
                ("place", "地点"),
                ("name", "议题"),
                ("topic_class", "类别"),
                ("status_label", "状态"),
                ("outcome", "结果"),
                ("decisions", "议定事项"),
            ),
            frozenset({"cockpit", "planner"}),
            min_zoom=14,
            attribution=None,
        ),
        LayerSpec(
            "workers",
            "网格员",
            "point",
            {"color": "#f4d35e", "radius": 4, "fillOpacity": 0.9, "weight": 1},
            "name",
            (("name", "姓名"), ("grid", "网格")),
            frozenset({"cockpit", "worker"}),
            min_zoom=14,
            attribution=None,
        ),
        LayerSpec(
            "on_duty",
            "在岗网格员（今日巡查）",
            "point",
            {"color": "#2e86de", "radius": 6, "fillOpacity": 0.9, "weight": 1},
            "name",
            (
                ("worker", "网格员"),
                ("grid", "网格"),
                ("state", "状态"),
                ("started", "开始"),
                ("seen", "最后定位"),
            ),
            frozenset({"cockpit"}),
            attribution=None,
            access="patrol.read",  # staff and command: their areas' workers; a worker: their own
        ),
        LayerSpec(
            "cases",
            "案件",
            "point",
            {"color": "#ff6b6b", "radius": 5, "fillOpacity": 0.85, "weight": 1},
            "category",
            (
                ("id", "编号"),
                ("category", "类别"),
                ("status_label", "状态"),
                ("description", "描述"),
                ("address", "地址"),
                ("created_at", "上报时间"),
                ("grid", "网格"),
            ),
            ALL,
            start=frozenset({"cockpit", "worker"}),
            render=("cluster", "heat"),
            attribution=None,
            tiled=True,
            in_district=True,  # a case farther than the snap distance from every grid is refused
            access="case.map",  # cases of the caller's areas only, to the roles that map cases
        ),
        LayerSpec(
            "coverage",
            "步行可达范围",
            "polygon",
            {"color": "#2e86de", "weight": 1, "fillOpacity": 0.18, "fillColor": "#2e86de"},
            "name",
            (("name", "设施"), ("threshold_m", "步行距离(米)"), ("reached_m", "可达路网(米)")),
            frozenset({"planner"}),
            computed=True,
            access="coverage",
        ),
        LayerSpec(
            "roads",
            "路网",
            "line",
            {"color": "#56606b", "weight": 1, "opacity": 0.8},
            "name",
            (("name", "路名"),),
            ALL | {"renewal", "visits"},
            start=frozenset({"worker", "planner", "renewal", "visits"}),
            simplify=True,
            min_zoom=13,
            tiled=True,
        ),
    )
}


def layers_for(page: str) -> list[LayerSpec]:
    return [spec for spec in LAYERS.values() if page in spec.pages]
