"""/cockpit, /worker, /planner: Folium maps of registry layers, with each audience's panels.

No inline script (the Content-Security-Policy forbids it, webmap/headers.py): each `<script>`
block Folium writes becomes `<script src="/pages/<page>/<n>-<hash>.js?…">`, in place, so the
order of execution stays. The page's scripts are kept per process and in the host's shared
folder; a process that finds neither builds the page again from the same query (ids are
numbered, not random, so the rebuilt script fits the page).

A page built is kept (per app, by page, query, role and areas) while the data it shows holds
(PAGE_TABLES' version) and the static files it names are unchanged (their bundles' names), and
shared with the host's other serving processes (webmap/shared_pages.py): building one takes
20-70 ms of Folium and queries, a page's whole wait for its HTML.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import OrderedDict
from importlib.resources import files
from pathlib import Path
from threading import Lock
from typing import Any, NamedTuple, cast
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, redirect, request
from markupsafe import escape
from sqlalchemy import text

from geo.access import Caller, allowed, require
from geo.business.words import NEED_CATEGORIES, NEED_KINDS, VISIT_STATUSES
from geo.cases.desk import QUEUES, WORKER_QUEUES, queue_counts
from geo.cases.notices import inbox
from geo.cases.offers import STEP_LABELS
from geo.cases.words import EVENT_LABELS, NOTICE_LABELS, STAGE_LABELS, UNIT_KIND_LABELS
from geo.errors import Forbidden, NotAuthenticated
from geo.evaluation.words import SERIES_LABELS
from geo.vocabulary import ROLES, STATUS_LABELS
from layers.frames import version_sql
from layers.pages import PAGES
from layers.registry import RESIDENTIAL_INDICATORS
from webmap.auth import current_caller
from webmap.bundles import page_assets
from webmap.bundles import url as bundle_url
from webmap.db import get_read_session, get_settings
from webmap.page_map import PANELS, build_page
from webmap.shared_pages import SharedPages
from webmap.tile_cache import DATABASE_SQL

bp = Blueprint("pages", __name__)
LOGIN = files("webmap").joinpath("templates/login.html").read_text(encoding="utf-8")


def page_words(key: str) -> dict[str, Any]:
    """The words a page's script shows, from the vocabularies: the scripts keep no copies."""
    if key == "cockpit":  # its 居民小区 panel, its trends
        return {
            "indicators": [list(i) for i in RESIDENTIAL_INDICATORS],
            "series": SERIES_LABELS,
        }
    if key in ("desk", "worker"):  # the case panel's words (casepanel.js), and the queues
        return {
            "queues": [list(q) for q in QUEUES.items()],
            # the worker's to-do list: what waits for a grid worker or a unit's account
            "workerQueues": [[q, QUEUES[q]] for q in WORKER_QUEUES],
            "steps": STEP_LABELS,
            "statuses": STATUS_LABELS,
            "warnings": {"yellow": "黄灯", "red": "红灯"},
            "events": EVENT_LABELS,
            "notices": NOTICE_LABELS,
            "stages": [list(s) for s in STAGE_LABELS.items()],
            "unitKinds": UNIT_KIND_LABELS,
        }
    if key == "visits":  # a visit's outcome and the needs found
        return {
            "needKinds": NEED_KINDS,
            "needCategories": NEED_CATEGORIES,
            "visitStatuses": VISIT_STATUSES,
        }
    return {}


_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_SCRIPTS: OrderedDict[str, str] = OrderedDict()  # hash -> script, the pages built lately
_SCRIPTS_KEPT = 256
_lock = Lock()
# A page is built again once its data changes or a static file it names does; a page script
# asked for by a digest this process does not hold is served from the page kept (so made-up
# digests cost a lookup, not a page build each; their scripts: the last build's).
# what a page's HTML reads besides the settings and the caller (webmap/page_map.py: the grids'
# extent and names, the streets' names, the facility kinds)
PAGE_TABLES = ("facility_kinds", "grids", "streets")
# their data version, and which change record it counts (a restore makes it again, and its sums
# start over: the same number may then stand for other data)
_VERSION = f"SELECT ({version_sql(PAGE_TABLES)}), 'data_changes'::regclass::oid"
builds = 0  # pages built in this process (tests read it)
_SOURCE = Path(__file__).resolve().parent.parent  # the folder of geo/, layers/, webmap/


class _Built(NamedTuple):
    version: tuple[int, int]  # PAGE_TABLES' data version it was built from, and its record
    assets: tuple[str, ...]  # the bundles it names
    html: str
    scripts: dict[str, str]


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
        build_page(
            page,
            get_settings(),
            grid,
            refresh,
            street,
            page_words(page),
            lambda action: allowed(require, caller, action),
            caller.role,
        ),
        page,
        query,
    )
    builds += 1
    with _lock:
        _hold(scripts)
    return html, scripts


def _hold(scripts: dict[str, str]) -> None:
    """A page's scripts among those this process serves by digest (under _lock)."""
    _SCRIPTS.update(scripts)
    while len(_SCRIPTS) > _SCRIPTS_KEPT:
        _SCRIPTS.popitem(last=False)


def _kept(page: str, caller: Caller) -> tuple[str, dict[str, str]]:
    """The page and its scripts as this caller's query builds it: the one kept (per app, page,
    query, role and areas) while PAGE_TABLES' version holds and the static files it names are
    unchanged; else the one another serving process built of the same (the shared folder);
    else built here."""
    _, _, _, query = _params(caller)
    areas = f"{caller.role}:" + ",".join(p for p in (caller.patterns() or ["*"]))
    key = (page, query, areas)
    session = get_read_session()
    version = cast(tuple[int, int], tuple(session.execute(text(_VERSION)).one()))
    assets = tuple(bundle_url(paths) for paths in page_assets(page))
    kept: OrderedDict[tuple[str, str, str], _Built]
    kept = current_app.extensions.setdefault("gridmap.pages", OrderedDict())
    with _lock:
        held = kept.get(key)
        if held is not None and held.version == version and held.assets == assets:
            _hold(held.scripts)  # held still, though other pages' pushed them out
            return held.html, held.scripts
    shared, path = _shared(), None
    found = None
    if shared is not None:
        built_by = current_app.extensions.get("gridmap.pages_built_by")
        if built_by is None:
            database = tuple(session.execute(text(DATABASE_SQL)).one())
            built_by = current_app.extensions.setdefault(
                "gridmap.pages_built_by", (database, _code_and_settings())
            )
        path = shared.path((built_by, version, key, assets))
        found = shared.get(path)
    if found is not None:
        html, scripts = found
        with _lock:
            _hold(scripts)
    else:
        html, scripts = _build(page, caller)
        if shared is not None and path is not None:
            shared.put(path, html, scripts)
    with _lock:
        kept[key] = _Built(version, assets, html, scripts)
        kept.move_to_end(key)
        while len(kept) > _SCRIPTS_KEPT:
            kept.popitem(last=False)
    return html, scripts


def _code_and_settings() -> str:
    """What builds a page besides its data and static files: this process's settings (the
    basemap, the district …) and the code (each source file's time and size): a process of
    other settings or code, on the same host, builds its own."""
    digest = hashlib.sha256(repr(get_settings()).encode())
    for folder in ("geo", "layers", "webmap"):
        for source in sorted((_SOURCE / folder).rglob("*.py")):
            st = source.stat()
            digest.update(f"{source}:{st.st_mtime_ns}:{st.st_size}".encode())
    return digest.hexdigest()


def _shared() -> SharedPages | None:
    """The host's folder of built pages; none for a test's app, whose lent connection sees the
    test's own writes, which no other reader may be served (as webmap/tiles.cache)."""
    found = current_app.extensions.get("gridmap.shared_pages")
    if found is None and "gridmap.lent" not in current_app.extensions:
        found = current_app.extensions.setdefault(
            "gridmap.shared_pages", SharedPages(get_settings().var_dir / "pages")
        )
    return cast("SharedPages | None", found)


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
    html, _ = _kept(page, caller)
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
    """A page's script n. Kept by hash; else (another serving process built the page) the
    page as _kept finds it for the query (the shared folder's, or built again), its script n."""
    if page not in PANELS:
        abort(404, f"no page {page!r}")
    caller = _signed_in_for(page)
    if isinstance(caller, Response):
        return caller
    with _lock:
        script = _SCRIPTS.get(digest)
    if script is None:
        _, scripts = _kept(page, caller)
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


@bp.get("/desk")
def desk() -> Response:
    """派遣台: the queues of the caller's scope, a case's place, photos, trail and the steps
    the caller may take on it."""
    return _page("desk")


@bp.get("/planner")
def planner() -> Response:
    return _page("planner")


API_DOCS = (
    "<!doctype html><html lang=zh-CN><meta charset=utf-8>"
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>gridmap API 说明</title>"
    '<link rel="icon" href="/static/gridmap/favicon.svg">'
    '<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">'
    '<body><div id="swagger-ui"></div>'
    '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>'
    '<script src="/static/gridmap/apidocs.js"></script>'
)


@bp.get("/api/docs")
def api_docs() -> Response:
    """The API description (/api/v1/openapi.json) to read and try, in Swagger UI served from
    this server (nothing from the internet); a signed-in reader's calls go as them."""
    return Response(API_DOCS, mimetype="text/html")


@bp.get("/")
def index() -> Response:
    """The front door: after sign-in, the pages the caller's role may open, its inbox count and,
    for those who read cases, the desk's queues in its areas; before, the sign-in page."""
    caller = current_caller()
    if caller.account is None:
        return cast(Response, redirect("/login?next=/"))
    links = []
    for p in PAGES.values():
        if p.key == "renewal" or not allowed(require, caller, f"page.{p.key}"):
            continue
        links.append(f'<li><a href="/{p.key}">{escape(p.title)}</a></li>')
    s = get_read_session()
    unread = inbox(s, caller.account.id, caller.account.areas, True, 1)["unread"]
    queues = ""
    if allowed(require, caller, "case.read"):
        counts = queue_counts(s, caller.patterns())
        queues = "".join(
            f'<li><a href="/desk?queue={q}">{escape(label)}</a> <b>{counts[q]}</b></li>'
            for q, label in QUEUES.items()
        )
        queues = f"<h2>待办</h2><ul class=gm-home-queues>{queues}</ul>"
    name = caller.account.username
    body = (
        f"<!doctype html><html lang=zh-CN><meta charset=utf-8>"
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(get_settings().district_name)}网格化治理平台</title>"
        f'<link rel="stylesheet" href="/static/gridmap/gridmap.css">'
        f"<body class=gm-home><header><h1>{escape(get_settings().district_name)}网格化治理平台</h1>"
        f"<p>{escape(name)}（{escape(ROLES[caller.account.role])}）"
        f' · <a href="/api/v1/inbox?unread=true">消息 <b id=gm-unread>{unread}</b></a></p></header>'
        f"<h2>页面</h2><ul class=gm-home-pages>{''.join(links) or '<li>（无可用页面）</li>'}</ul>"
        f"{queues}"
        f'<p class=gm-muted><a href="/api/docs">API 说明</a>'
        f' · <a href="/api/v1/openapi.json">OpenAPI 描述</a></p>'
    )
    return Response(body, mimetype="text/html")
