"""A page's Folium map: the registry's layers for its audience, the basemap, the legend, the
panel, and the page config its scripts read (webmap/pages.py serves it)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from importlib.resources import files
from typing import Any, cast

import folium
from branca.element import Element, Figure
from sqlalchemy import text

from geo.reference import facility_kinds, grid_extent
from geo.settings import Settings
from layers.pages import COLORS, PAGES, PageSpec, kind_color
from layers.registry import LayerSpec, layers_for
from webmap.bundles import page_assets
from webmap.bundles import url as bundle_url
from webmap.db import get_read_session
from webmap.map_elements import (
    Legend,
    RegistryLayer,
    page_config,
)

# each page's panel (templates/<page>.html), beside its map
PANELS = {
    page: files("webmap").joinpath(f"templates/{page}.html").read_text(encoding="utf-8")
    for page in PAGES
}


def basemap(m: folium.Map, settings: Settings) -> str:
    """Add the configured basemap; return the CRS overlays are drawn in.

    settings.basemap: `none` (default: offline, our own layers are the background), a tile URL
    template of an intranet server, `tianditu:<key>` (CGCS2000, no shift), or `amap` (GCJ-02:
    every overlay is shifted to GCJ-02 for display so nothing lands 500 m off).
    """
    choice = settings.basemap
    attr = settings.basemap_attribution
    if choice == "none":
        return "wgs84"
    if choice == "amap":
        folium.TileLayer(
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
            "&style=8&x={x}&y={y}&z={z}",
            attr="© 高德地图",
            subdomains="1234",
            name="高德底图",
        ).add_to(m)
        return "gcj02"
    if choice.startswith("tianditu:"):
        key = choice.split(":", 1)[1]
        folium.TileLayer(
            f"https://t{{s}}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
            f"&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}",
            attr="© 天地图",
            subdomains="01234567",
            name="天地图",
        ).add_to(m)
        return "wgs84"
    folium.TileLayer(choice, attr=attr, name="底图").add_to(m)
    return "wgs84"


def _bounds(grid: str | None, settings: Settings) -> list[float]:
    return grid_extent(get_read_session(), grid) or list(settings.district_bounds)


def overlays(
    spec: LayerSpec, page: PageSpec, kinds: list[tuple[str, str]], grid: str | None
) -> list[RegistryLayer]:
    """What a registry layer becomes on a page: one overlay per facility kind, one per way of
    drawing cases (points, heat), or one."""
    show = page.key in spec.start
    if spec.by_kind:
        return [
            RegistryLayer(
                spec,
                f"{spec.title}·{label}",
                show,
                id=f"{spec.key}:{code}",
                params={"kind": code},
                style={"color": kind_color(code), "fillColor": kind_color(code)},
            )
            for code, label in kinds
        ]
    if spec.render != ("geojson",):  # cases: a cluster of points and a heat map
        params = {"grid": grid} if grid else {}
        names = {"cluster": "（点位）", "heat": "（热力）"}
        return [
            RegistryLayer(
                spec,
                spec.title + names[render],
                page.heat if render == "heat" else show,
                id=spec.key if render == "cluster" else f"{spec.key}:{render}",
                render=render,
                params=params,
            )
            for render in spec.render
        ]
    shown = show or (spec.key == "grids" and bool(grid))  # "my grid" shows its grid
    return [RegistryLayer(spec, spec.title, shown, id=spec.key, highlight=grid)]


def _number_ids(root: Element) -> None:
    """Replace Folium's random element ids with their order in the tree: the same page built
    twice has the same names."""
    counter = itertools.count(1)

    def walk(el: Element) -> None:
        el._id = f"{next(counter):08d}"
        for child in el._children.values():
            walk(child)

    walk(root)


# Folium's switches, written after Leaflet has loaded (which reads them as it loads), so doing
# nothing, and at their defaults: left out, a request fewer for the page
_SWITCHES = re.compile(r"<script>\s*L_NO_TOUCH = false;\s*L_DISABLE_3D = false;\s*</script>")

# the actions a page's scripts ask about (config "can")
PAGE_ACTIONS = ("case.read", "patrol.record", "case.create")


def build_page(
    key: str,
    settings: Settings,
    grid: str | None,
    refresh_s: int,
    street: str | None,
    words: dict[str, Any],
    may: Callable[[str], bool] = lambda action: True,
    role: str | None = None,
) -> str:
    """The page `key` as HTML: its Folium map of the registry's layers, the audience's panel,
    and the page config its scripts read (words: what they show, from the vocabularies).
    A layer the caller may not read (`may`, of its registry entry's access) is left off."""
    page = PAGES[key]
    bounds = _bounds(grid, settings)
    district = bounds if grid is None else _bounds(None, settings)
    # The district's grids and the snap distance beyond them: where its cases can be (in
    # degrees; one of longitude is shortest at the district's edge farthest from the equator).
    north = max(abs(district[1]), abs(district[3]))
    lat = settings.snap_distance_m / 110_000
    lon = settings.snap_distance_m / (111_320 * max(math.cos(math.radians(north)), 0.01))
    extent = [district[0] - lon, district[1] - lat, district[2] + lon, district[3] + lat]
    centre = [(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2]
    m = folium.Map(
        location=centre,
        zoom_start=13,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
        zoom_control=page.zoom_control,
    )
    # Instance attributes, so no other map's asset list changes (folium's lists are shared).
    # each list as one file (webmap/bundles.py)
    scripts, styles = page_assets(key)
    m.default_js = []  # the scripts: one file after the panel (below)
    m.default_css = [("gridmap_styles", bundle_url(styles))]
    display = basemap(m, settings)
    kinds = facility_kinds(get_read_session())
    for spec in layers_for(key):
        # computed ones are drawn on demand (planner: coverage)
        if not spec.computed and may(spec.access):
            for overlay in overlays(spec, page, kinds, grid):
                overlay.add_to(m)
    folium.LayerControl(collapsed=page.layer_control_collapsed, position=page.layer_control).add_to(
        m
    )
    legend = list(page.legend) or [(kind_color(code), label) for code, label in kinds]
    Legend(page.legend_title, legend).add_to(m)
    root = cast(Figure, m.get_root())
    _number_ids(root)
    root.header.add_child(
        Element(
            f"<title>{page.title} · gridmap</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="/static/gridmap/favicon.svg">'
        )
    )
    config: dict[str, Any] = {
        "kinds": kinds,
        "page": key,
        "displayCrs": display,
        "bounds": bounds,
        "extent": extent,  # the layers in_district ask for no tile beyond it (gm.tiled)
        "grid": grid,
        "gridName": grid
        and get_read_session()
        .execute(text("SELECT name FROM grids WHERE code = :g"), {"g": grid})
        .scalar(),
        "street": street,  # the cockpit scoped to one street (its 居民小区 panel)
        "streetName": street
        and get_read_session()
        .execute(text("SELECT name FROM streets WHERE code = :s"), {"s": street})
        .scalar(),
        "refreshSeconds": refresh_s,
        "map": m.get_name(),
        "district": settings.district_name,
        "colors": COLORS,
        "words": words,
        # who is looking: a page shows the tools its caller may use (a rider's phone reports
        # and shows their points; it has no to-do list and no patrol)
        "role": role,
        "can": {action: may(action) for action in PAGE_ACTIONS},
    }
    root.header.add_child(page_config(config))
    if page.offline:  # installable; the page registers the service worker (/sw.js)
        root.header.add_child(
            Element(
                '<link rel="manifest" href="/manifest.webmanifest">'
                f'<meta name="theme-color" content="{COLORS["brand"]}">'
                '<link rel="apple-touch-icon" href="/icons/192.png">'
            )
        )
    root.html.add_child(Element(PANELS[key]))
    # the page's scripts, one file, once its panel is in the page (drawn while they load);
    # Folium's map script comes after them
    root.html.add_child(Element(f'<script src="{bundle_url(scripts)}"></script>'))
    # Folium writes the map's own script after ours, at the end of the page: begin as soon as
    # that script has run (a microtask: before the browser first lays out and paints the page,
    # not at DOMContentLoaded after it, nor at 'load', which waits for every asset). The page
    # sets its view, and only then do the layers fetch (not at Folium's placeholder view first).
    root.script.add_child(
        Element(f"Promise.resolve().then(() => gridmap.begin({m.get_name()}, gridmap.config));")
    )
    return _SWITCHES.sub("", root.render())
