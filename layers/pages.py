"""The three pages as data, next to the layer registry: which overlays each draws, its legend,
and the one palette the legends (Python) and the pages' scripts (JavaScript, through the page
config: gridmap.config.colors) both read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from layers.registry import KIND_COLORS, Page

# Colours defined once. RAMP: grids by open cases (gridmap.js ramp); COVERAGE: a community's
# covered share, from its lower bound in percent (planner.js).
COLORS: dict[str, object] = {
    "ramp": ["#1a2d40", "#29506b", "#3f7f8c", "#e3b04b", "#e8743b", "#d7263d"],
    # a share where more is better (residential indicators), low to high
    "rate": ["#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850"],
    # one colour per value (shops by their party member)
    "categorical": [
        "#e6194b",
        "#3cb44b",
        "#4363d8",
        "#f58231",
        "#911eb4",
        "#42d4f4",
        "#f032e6",
        "#bfef45",
        "#469990",
        "#9a6324",
        "#800000",
        "#000075",
    ],
    "highlight": "#ffd166",
    "brand": "#1a2d40",  # the bars, and the installed app's theme
    "station": "#8e5fb0",  # a building service station (visits page)
    "stop": "#e8743b",  # a visit on the commissioner's route
    "route": "#2e86de",
    "case": "#ff6b6b",
    "overdue": "#ffd166",
    "grid_edge": "#9aa5b1",
    "covered": "#1a9850",
    "uncovered": "#d73027",
    "coverage": [
        [80, "#1a9850"],
        [60, "#91cf60"],
        [40, "#fee08b"],
        [20, "#fc8d59"],
        [0, "#d73027"],
    ],
    "area": "#2e86de",
    "candidate": "#ffd166",
    "suggested": "#6a1b9a",
    "kinds": KIND_COLORS,
    "kind_default": "#1b998b",
}
_RAMP: list[str] = COLORS["ramp"]  # type: ignore[assignment]
_RATE: list[str] = COLORS["rate"]  # type: ignore[assignment]


@dataclass(frozen=True)
class PageSpec:
    key: Page
    title: str
    legend_title: str
    legend: tuple[tuple[str, str], ...]  # (colour, label); empty: one swatch per facility kind
    heat: bool = False  # the case heat map is on when the page opens
    zoom_control: bool = False
    layer_control: Literal["topright", "bottomright"] = "topright"
    layer_control_collapsed: bool = True
    # scripts loaded before the page's own: ours by name (webmap/static/gridmap/<name>.js), a
    # vendored one by its path under static/ (vendor/echarts/echarts.simple.min)
    scripts: tuple[str, ...] = ()
    # installable and working with no signal: a web app manifest and the service worker
    offline: bool = False


PAGES: dict[str, PageSpec] = {
    p.key: p
    for p in (
        PageSpec(
            "cockpit",
            "数字驾驶舱",
            "图例",
            (
                (_RAMP[0], "网格：无在办案件"),
                (_RAMP[2], "网格：少量在办"),
                (_RAMP[4], "网格：较多在办"),
                (_RAMP[5], "网格：在办最多"),
                (str(COLORS["case"]), "案件"),
                (str(COLORS["overdue"]), "超期案件"),
            ),
            heat=True,
            layer_control="bottomright",
            scripts=("district3d",),  # ECharts: cockpit.js fetches it once the map has drawn
        ),
        PageSpec(
            "worker",
            "网格员",
            "图例",
            (
                (str(COLORS["highlight"]), "我的网格 / 所选案件"),
                (str(COLORS["case"]), "在办案件"),
                (str(COLORS["route"]), "今日巡查轨迹"),
                (str(COLORS["grid_edge"]), "网格边界"),
            ),
            scripts=("casepanel", "outbox"),
            offline=True,
        ),
        PageSpec(
            "desk",
            "派遣台",
            "图例",
            (
                (str(COLORS["highlight"]), "所选案件"),
                (str(COLORS["case"]), "案件"),
                (str(COLORS["grid_edge"]), "网格边界"),
            ),
            zoom_control=True,
            layer_control="bottomright",
            scripts=("casepanel",),
        ),
        PageSpec(
            "visits",
            "楼宇专员走访",
            "图例",
            (
                (str(COLORS["station"]), "楼宇服务站（出发与返回）"),
                (str(COLORS["stop"]), "今日走访企业（按步行顺序编号）"),
                (str(COLORS["route"]), "步行路线（真实路网）"),
            ),
        ),
        PageSpec(
            "renewal",
            "有机更新签约进度",
            "楼幢签约率",
            (
                (_RATE[0], "未过半"),
                (_RATE[3], "过半"),
                (_RATE[4], "九成以上"),
                (_RATE[5], "全部签约"),
            ),
            zoom_control=True,
        ),
        PageSpec(
            "planner",
            "规划分析",
            "服务设施图例",
            (),
            zoom_control=True,
            layer_control_collapsed=False,
        ),
    )
}


def kind_color(kind: str) -> str:
    return KIND_COLORS.get(kind, str(COLORS["kind_default"]))
