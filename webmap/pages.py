"""/cockpit, /worker, /planner: Folium maps of registry layers, with each audience's panels.

No inline script (the Content-Security-Policy forbids it, webmap/headers.py): each `<script>`
block Folium writes becomes `<script src="/pages/<page>/<n>-<hash>.js?…">`, in place, so the
order of execution stays. The page's scripts are kept per process; a worker that did not build
the page builds it again from the same query (ids are numbered, not random, so the rebuilt
script fits the page).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections import OrderedDict
from importlib.resources import files
from threading import Lock
from typing import Any, cast
from urllib.parse import urlencode

import folium
from branca.element import Element, Figure
from flask import Blueprint, Response, abort, redirect, request
from markupsafe import escape
from sqlalchemy import text

from geo.access import WORKER_MOVES, WORKER_STATES, Caller, require
from geo.business.words import NEED_CATEGORIES, NEED_KINDS, VISIT_STATUSES
from geo.errors import Forbidden, NotAuthenticated
from geo.reference import facility_kinds, grid_extent
from geo.settings import Settings
from geo.vocabulary import MOVE_LABELS, TRANSITIONS
from layers.pages import COLORS, PAGES, PageSpec, kind_color
from layers.registry import RESIDENTIAL_INDICATORS, LayerSpec, layers_for
from webmap.auth import current_caller
from webmap.db import get_read_session, get_settings
from webmap.map_elements import (
    LOCAL_CSS,
    LOCAL_JS,
    MVT_JS,
    Legend,
    RegistryLayer,
    page_config,
    safe_json,
)

bp = Blueprint("pages", __name__)
PANELS = {
    page: files("webmap").joinpath(f"templates/{page}.html").read_text(encoding="utf-8")
    for page in ("cockpit", "worker", "planner", "renewal", "visits")
}
LOGIN = files("webmap").joinpath("templates/login.html").read_text(encoding="utf-8")


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


def page_words(key: str) -> dict[str, Any]:
    """The words a page's script shows, from the vocabularies: the scripts keep no copies."""
    if key == "cockpit":  # its 居民小区 panel
        return {"indicators": [list(i) for i in RESIDENTIAL_INDICATORS]}
    if key == "worker":  # the moves a grid worker makes, as buttons
        return {
            "moves": {
                s: [[to, MOVE_LABELS[to]] for to in TRANSITIONS[s] if to in WORKER_MOVES]
                for s in WORKER_STATES
            }
        }
    if key == "visits":  # a visit's outcome and the needs found
        return {
            "needKinds": NEED_KINDS,
            "needCategories": NEED_CATEGORIES,
            "visitStatuses": VISIT_STATUSES,
        }
    return {}


def build_page(
    key: str, settings: Settings, grid: str | None, refresh_s: int, street: str | None = None
) -> str:
    page = PAGES[key]
    bounds = _bounds(grid, settings)
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
    m.default_js = list(LOCAL_JS)
    m.default_css = list(LOCAL_CSS)
    display = basemap(m, settings)
    kinds = facility_kinds(get_read_session())
    for spec in layers_for(key):
        if not spec.computed:  # computed ones are drawn on demand (planner: coverage)
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
        "words": page_words(key),
    }
    root.header.add_child(page_config(config))
    # The tile decoder's modules, fetched with the other scripts (not one after another when
    # the first tile arrives)
    root.header.add_child(
        Element("".join(f'<link rel="modulepreload" href="{u}">' for u in MVT_JS))
    )
    root.html.add_child(Element(PANELS[key]))
    root.html.add_child(Element(f'<script src="/static/gridmap/{key}.js"></script>'))
    # Folium writes the map's own script after ours: begin once every script has run (not at
    # 'load', which waits for every asset). The page sets its view, and only then do the
    # layers fetch (not at Folium's placeholder view first).
    root.script.add_child(
        Element(
            f"document.addEventListener('DOMContentLoaded', () => "
            f"gridmap.begin({m.get_name()}, {safe_json(config)}));"
        )
    )
    return root.render()


_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_SCRIPTS: OrderedDict[str, str] = OrderedDict()  # hash -> script, the pages built lately
_SCRIPTS_KEPT = 256
_lock = Lock()
# A page script asked for by a digest this process does not hold is served by building its page
# again: once per page and query within REBUILT_S, so that made-up digests cost a lookup, not a
# page build each (their scripts: the last build's).
REBUILT_S = 60.0
_REBUILT: OrderedDict[tuple[str, str, str | None], tuple[float, dict[str, str]]] = OrderedDict()
builds = 0  # pages built in this process (tests read it)


def externalize(html: str, page: str, query: str) -> tuple[str, dict[str, str]]:
    """The page with each inline script replaced by a script URL; the scripts by hash."""
    scripts: dict[str, str] = {}
    n = itertools.count()

    def replace(m: re.Match[str]) -> str:
        digest = hashlib.sha256(m.group(1).encode()).hexdigest()[:32]
        scripts[digest] = m.group(1)
        return f'<script src="/pages/{page}/{next(n)}-{digest}.js{query}"></script>'

    return _INLINE.sub(replace, html), scripts


def _params(caller: Caller) -> tuple[str | None, str | None, int, str]:
    grid = request.args.get("grid") or my_grid(caller)
    if grid is not None and not (grid.isascii() and grid.isdigit() and len(grid) == 15):
        abort(400, "grid 应为 15 位网格编码")
    street = request.args.get("street") or my_street(caller)
    if street is not None and not (street.isascii() and street.isdigit() and len(street) == 9):
        abort(400, "street 应为 9 位街道编码")
    refresh = request.args.get("refresh", "30")
    seconds = int(refresh) if refresh.isascii() and refresh.isdigit() else 30
    seconds = max(1, min(3600, seconds))
    pairs = (("grid", grid), ("street", street), ("refresh", str(seconds)))
    query = {k: v for k, v in pairs if v}
    return grid, street, seconds, "?" + urlencode(query)


def my_grid(caller: Caller) -> str | None:
    """The grid an account works in: its worker's, else its one grid area."""
    account = caller.account
    if account is None:
        return None
    if account.worker_id:
        code = (
            get_read_session()
            .execute(text("SELECT grid_code FROM workers WHERE id = :w"), {"w": account.worker_id})
            .scalar()
        )
        if code:
            return str(code)
    grids = [code for kind, code in account.areas if kind == "grid"]
    return grids[0] if len(grids) == 1 else None


def my_street(caller: Caller) -> str | None:
    """The street an account answers for, where it is one street."""
    account = caller.account
    streets = [code for kind, code in account.areas if kind == "street"] if account else []
    return streets[0] if len(streets) == 1 else None


def _build(page: str, caller: Caller) -> tuple[str, dict[str, str]]:
    global builds
    grid, street, refresh, query = _params(caller)
    html, scripts = externalize(
        build_page(page, get_settings(), grid, refresh, street), page, query
    )
    builds += 1
    with _lock:
        _SCRIPTS.update(scripts)
        while len(_SCRIPTS) > _SCRIPTS_KEPT:
            _SCRIPTS.popitem(last=False)
    return html, scripts


def _rebuilt(page: str, caller: Caller) -> dict[str, str]:
    """The scripts of the page as this caller's query builds it, built at most once per
    REBUILT_S (per page, query and account areas)."""
    _, _, _, query = _params(caller)
    areas = ",".join(p for p in (caller.patterns() or ["*"]))
    key, now = (page, query, areas), time.monotonic()
    with _lock:
        held = _REBUILT.get(key)
    if held is not None and now - held[0] < REBUILT_S:
        return held[1]
    _, scripts = _build(page, caller)
    with _lock:
        _REBUILT[key] = (now, scripts)
        while len(_REBUILT) > _SCRIPTS_KEPT:
            _REBUILT.popitem(last=False)
    return scripts


def _signed_in_for(page: str) -> Response | Caller:
    """The caller if it may open the page; else the sign-in page (anonymous) or a 403."""
    caller = current_caller()
    if caller.account is None:
        return cast(
            Response, redirect("/login?" + urlencode({"next": request.full_path.rstrip("?")}))
        )
    try:
        require(caller, f"page.{page}")
    except (Forbidden, NotAuthenticated) as exc:
        return Response(
            f"<!doctype html><meta charset=utf-8><title>无权访问</title><p>{escape(str(exc))}"
            '<p><a href="/login">换一个账号登录</a>',
            status=403,
            mimetype="text/html",
        )
    return caller


def _page(page: str) -> Response:
    caller = _signed_in_for(page)
    if isinstance(caller, Response):
        return caller
    html, _ = _build(page, caller)
    return Response(html, mimetype="text/html")


@bp.get("/login")
def login() -> Response:
    html = LOGIN
    if get_settings().oidc_issuer:  # the identity service's sign-in beside the password form
        nxt = urlencode({"next": request.args.get("next", "/")})
        link = f'<p><a class="gm-oidc" href="/login/oidc?{escape(nxt)}">统一身份认证登录</a></p>'
        html = html.replace("<!--oidc-->", link)
    return Response(html, mimetype="text/html")


@bp.get("/pages/<page>/<int:n>-<digest>.js")
def page_script(page: str, n: int, digest: str) -> Response:
    """A page's script n. Kept by hash; else (another worker built the page) the page is
    built again from the query and its script n served."""
    if page not in PANELS:
        abort(404, f"no page {page!r}")
    caller = _signed_in_for(page)
    if isinstance(caller, Response):
        return caller
    with _lock:
        script = _SCRIPTS.get(digest)
    if script is None:
        scripts = _rebuilt(page, caller)
        listed = list(scripts.values())
        script = scripts.get(digest) or (listed[n] if n < len(listed) else None)
        if script is None:
            abort(404, "no such page script")
    resp = Response(script, mimetype="text/javascript")
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp


@bp.get("/cockpit")
def cockpit() -> Response:
    return _page("cockpit")


@bp.get("/worker")
def worker() -> Response:
    return _page("worker")


@bp.get("/renewal/<int:project_id>")
def renewal(project_id: int) -> Response:
    """A renewal project's signing progress: buildings by share signed, the curve, the groups."""
    known = (
        get_read_session()
        .execute(text("SELECT 1 FROM renewal_projects WHERE id = :p"), {"p": project_id})
        .scalar()
    )
    if known is None:
        abort(404, f"没有编号为 {project_id} 的更新项目")
    return _page("renewal")


@bp.get("/visits")
def visits() -> Response:
    """A building commissioner's day on a phone: the walking route and each visit's outcome."""
    return _page("visits")


@bp.get("/planner")
def planner() -> Response:
    return _page("planner")


@bp.get("/")
def index() -> Response:
    links = "".join(
        f'<li><a href="/{p.key}">{p.title}</a></li>' for p in PAGES.values() if p.key != "renewal"
    )
    return Response(
        f"<!doctype html><meta charset=utf-8><title>gridmap</title><h1>gridmap</h1>"
        f"<ul>{links}</ul>",
        mimetype="text/html",
    )
