"""OGC API – Features (Part 1 Core with GeoJSON, HTML and OpenAPI 3.0; Part 2 CRS by reference)
under /ogc, over the layer registry: every layer a collection, with the same access rules as
/api/v1/layers (a caller sees the collections and features it may; cases only to the roles
that read cases, and only in their areas).

Coordinates: CRS84 (lon, lat) by default; EPSG:4326 and EPSG:4490 (CGCS2000) in their
authority axis order (lat, lon), EPSG:4549 (CGCS2000 / 3-degree GK CM 120E) in metres,
northing first. `bbox-crs` names the CRS of `bbox`; `crs` the answer's (Content-Crs header).
Paging by `limit` (default 100, at most 10,000) and `offset`, with `next` and `prev` links.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request
from markupsafe import escape
from sqlalchemy import text

from geo.access import allowed, require
from geo.errors import BadInput, NotFound
from layers.frames import WORLD, items_params, layer_params
from layers.registry import LAYERS, LayerSpec
from webmap.auth import allow, current_caller
from webmap.db import get_replica_session

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
# CRS URI -> (SRID, north first, decimals)
CRSS: dict[str, tuple[int, bool, int]] = {
    CRS84: (4326, False, 7),
    EPSG + "4326": (4326, True, 7),
    EPSG + "4490": (4490, True, 7),
    EPSG + "4549": (4549, True, 3),
}
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
LIMIT, MAX_LIMIT = 100, 10_000
RESERVED = {"bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "f"}
GEOJSON = "application/geo+json"


def _collections() -> list[LayerSpec]:
    """The layers this caller may read as collections."""
    caller = allow("layers")
    out = []
    for spec in LAYERS.values():
        if not spec.computed and allowed(require, caller, spec.access):
            out.append(spec)
    return out


def _spec(collection: str) -> LayerSpec:
    spec = next((s for s in _collections() if s.key == collection), None)
    if spec is None:
        raise NotFound(f"没有要素集「{collection}」；见 /ogc/collections")
    return spec


def _base() -> str:
    return request.host_url.rstrip("/") + "/ogc"


def _html_wanted() -> bool:
    f = request.args.get("f")
    if f:
        return f == "html"
    best = request.accept_mimetypes.best_match(["application/json", GEOJSON, "text/html"])
    return best == "text/html"


def _answer(body: dict[str, Any], mimetype: str = "application/json", title: str = "") -> Response:
    if _html_wanted():
        return Response(_html(title, body), mimetype="text/html")
    return Response(json.dumps(body, ensure_ascii=False), mimetype=mimetype)


def _html(title: str, body: dict[str, Any]) -> str:
    """A plain page (no scripts, no outside assets): the links, then the rest as a table."""
    links = "".join(
        f'<li><a href="{escape(link["href"])}">{escape(link.get("title") or link["rel"])}</a>'
        f" ({escape(link['rel'])})</li>"
        for link in body.get("links", [])
    )
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(json.dumps(v, ensure_ascii=False)[:2000])}</td></tr>"
        for k, v in body.items()
        if k != "links"
    )
    return (
        f"<!doctype html><meta charset=utf-8><title>{escape(title)} · gridmap OGC API</title>"
        f"<h1>{escape(title)}</h1><ul>{links}</ul><table>{rows}</table>"
    )


def _link(href: str, rel: str, type_: str, title: str | None = None) -> dict[str, str]:
    out = {"href": href, "rel": rel, "type": type_}
    if title:
        out["title"] = title
    return out


@bp.get("")
@bp.get("/")
def landing() -> Response:
    allow("layers")
    b = _base()
    return _answer(
        {
            "title": "gridmap",
            "description": "网格治理图层（OGC API – Features）",
            "links": [
                _link(f"{b}/", "self", "application/json", "this document"),
                _link(f"{b}/?f=html", "alternate", "text/html", "this document as HTML"),
                _link(
                    f"{b}/api",
                    "service-desc",
                    "application/vnd.oai.openapi+json;version=3.0",
                    "the API definition",
                ),
                _link(f"{b}/conformance", "conformance", "application/json", "conformance"),
                _link(f"{b}/collections", "data", "application/json", "collections"),
            ],
        },
        title="gridmap",
    )


@bp.get("/conformance")
def conformance() -> Response:
    allow("layers")
    return _answer({"conformsTo": CONFORMANCE, "links": []}, title="conformance")


def _areas() -> list[str] | None:
    return current_caller().patterns()


def _collection(spec: LayerSpec) -> dict[str, Any]:
    b = f"{_base()}/collections/{spec.key}"
    e = get_replica_session().execute(text(spec.extent_sql), layer_params(_areas())).one()
    extent = {
        "spatial": {
            "bbox": [[float(v) for v in e]] if e[0] is not None else [list(WORLD)],
            "crs": CRS84,
        }
    }
    if spec.key == "cases":
        extent["temporal"] = {
            "interval": [[None, None]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return {
        "id": spec.key,
        "title": spec.title,
        "itemType": "feature",
        "extent": extent,
        "crs": list(CRSS),
        "storageCrs": CRS84,
        "links": [
            _link(b, "self", "application/json", spec.title),
            _link(f"{b}/items", "items", GEOJSON, f"{spec.title}（要素）"),
            _link(f"{b}/items?f=html", "items", "text/html", f"{spec.title}（网页）"),
        ],
    }


@bp.get("/collections")
def collections() -> Response:
    specs = _collections()
    b = _base()
    return _answer(
        {
            "links": [_link(f"{b}/collections", "self", "application/json")],
            "collections": [_collection(s) for s in specs],
        },
        title="collections",
    )


@bp.get("/collections/<collection>")
def collection(collection: str) -> Response:
    spec = _spec(collection)
    return _answer(_collection(spec), title=spec.title)


def _crs(name: str, default: str = CRS84) -> tuple[str, int, bool, int]:
    uri = request.args.get(name, default)
    if uri not in CRSS:
        raise BadInput(f"{name} {uri!r} is not offered; one of {', '.join(CRSS)}")
    return (uri, *CRSS[uri])


def _bbox() -> tuple[float, float, float, float]:
    raw = request.args.get("bbox")
    if not raw:
        return WORLD
    try:
        v = [float(x) for x in raw.split(",")]
    except ValueError:
        raise BadInput("bbox 须为四个数") from None
    if len(v) != 4 or not all(map(math.isfinite, v)):
        raise BadInput("bbox 须为四个数（不含高程）")
    uri, srid, north_first, _ = _crs("bbox-crs")
    if north_first:
        v = [v[1], v[0], v[3], v[2]]
    if v[0] > v[2] or v[1] > v[3]:
        raise BadInput("bbox 每个轴上须最小值在前、最大值在后")
    if srid == 4326:
        return (v[0], v[1], v[2], v[3])
    r = (
        get_replica_session()
        .execute(
            text(
                "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT ST_Transform("
                "ST_MakeEnvelope(:a, :b, :c, :d, :srid), 4326)::box2d AS b) x"
            ),
            {"a": v[0], "b": v[1], "c": v[2], "d": v[3], "srid": srid},
        )
        .one()
    )
    return (float(r[0]), float(r[1]), float(r[2]), float(r[3]))


def _when() -> tuple[datetime | None, datetime | None]:
    raw = request.args.get("datetime")
    if not raw:
        return None, None

    def one(s: str) -> datetime | None:
        if s in ("", ".."):
            return None
        try:
            return datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            raise BadInput(f"datetime「{s}」不是 RFC 3339 时间") from None

    if "/" in raw:
        a, b = raw.split("/", 1)
        return one(a), one(b)
    t = one(raw)
    return t, t


def _feature(r: Any) -> dict[str, Any]:
    props = dict(r.props or {})
    props.setdefault("code", r.code)
    props.setdefault("name", r.name)
    return {
        "type": "Feature",
        "id": r.code,
        "geometry": json.loads(r.geometry),
        "properties": props,
    }


def _rows(spec: LayerSpec, *, fid: str | None, limit: int, offset: int) -> tuple[list[Any], str]:
    uri, srid, north_first, digits = _crs("crs")
    filters = {k: v for k, v in request.args.items() if k not in RESERVED}
    allowed = {"code", "name", *(p for p, _ in spec.popup)}
    unknown = sorted(set(filters) - allowed)
    if unknown:
        raise BadInput(
            f"unknown parameter(s) {', '.join(unknown)}; filter on: {', '.join(sorted(allowed))}"
        )
    t0, t1 = _when()
    if (t0 or t1) and spec.key != "cases":
        raise BadInput("datetime 只用于筛选案件要素集")
    params = items_params(
        _areas(),
        _bbox() if fid is None else WORLD,
        filters=filters,
        t0=t0,
        t1=t1,
        fid=fid,
        limit=limit,
        offset=offset,
        srid=srid,
        flip=north_first,
        digits=digits,
    )
    return list(get_replica_session().execute(text(spec.items_sql), params).all()), uri


def _int(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise BadInput(f"{name} must be a whole number")
    value = int(raw)
    if not lo <= value <= hi:
        raise BadInput(f"{name} must be between {lo} and {hi}")
    return value


@bp.get("/collections/<collection>/items")
def items(collection: str) -> Response:
    spec = _spec(collection)
    limit = _int("limit", LIMIT, 1, MAX_LIMIT)
    offset = _int("offset", 0, 0, 10**9)
    rows, uri = _rows(spec, fid=None, limit=limit, offset=offset)
    matched = int(rows[0].matched) if rows else None
    here = f"{_base()}/collections/{spec.key}/items"
    args = {k: v for k, v in request.args.items() if k not in ("offset", "f")}
    links = [
        _link(f"{here}?{urlencode({**args, 'offset': offset})}", "self", GEOJSON),
        _link(
            f"{here}?{urlencode({**args, 'offset': offset, 'f': 'html'})}", "alternate", "text/html"
        ),
        _link(f"{_base()}/collections/{spec.key}", "collection", "application/json"),
    ]
    if rows and offset + len(rows) < matched:  # type: ignore[operator]
        links.append(
            _link(f"{here}?{urlencode({**args, 'offset': offset + len(rows)})}", "next", GEOJSON)
        )
    if offset > 0:
        links.append(
            _link(
                f"{here}?{urlencode({**args, 'offset': max(0, offset - limit)})}", "prev", GEOJSON
            )
        )
    body = {
        "type": "FeatureCollection",
        "features": [_feature(r) for r in rows],
        "numberReturned": len(rows),
        "timeStamp": datetime.now().astimezone().isoformat(timespec="seconds"),
        "links": links,
    }
    if matched is not None:
        body["numberMatched"] = matched
    elif offset == 0:
        body["numberMatched"] = 0
    resp = _answer(body, GEOJSON, title=spec.title)
    resp.headers["Content-Crs"] = f"<{uri}>"
    return resp


@bp.get("/collections/<collection>/items/<fid>")
def item(collection: str, fid: str) -> Response:
    spec = _spec(collection)
    rows, uri = _rows(spec, fid=fid, limit=1, offset=0)
    if not rows:
        raise NotFound(f"要素集 {collection} 中没有要素「{fid}」")
    body = _feature(rows[0])
    b = f"{_base()}/collections/{spec.key}"
    body["links"] = [
        _link(f"{b}/items/{fid}", "self", GEOJSON),
        _link(f"{b}", "collection", "application/json"),
    ]
    resp = _answer(body, GEOJSON, title=f"{spec.title} {fid}")
    resp.headers["Content-Crs"] = f"<{uri}>"
    return resp


@bp.get("/api")
def openapi() -> Response:
    """The OGC API's own definition (OpenAPI 3.0)."""
    allow("layers")
    param = {
        "collectionId": {
            "name": "collectionId",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": [s.key for s in _collections()]},
        },
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
        },
        "limit": {
            "name": "limit",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": LIMIT},
        },
        "offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
        "bbox": {
            "name": "bbox",
            "in": "query",
            "style": "form",
            "explode": False,
            "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
        },
        "bbox-crs": {
            "name": "bbox-crs",
            "in": "query",
            "schema": {"type": "string", "enum": list(CRSS)},
        },
        "crs": {"name": "crs", "in": "query", "schema": {"type": "string", "enum": list(CRSS)}},
        "datetime": {"name": "datetime", "in": "query", "schema": {"type": "string"}},
    }
    ok = {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    }
    geo = {"200": {"description": "OK", "content": {GEOJSON: {"schema": {"type": "object"}}}}}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "gridmap OGC API – Features", "version": "1.0"},
        "servers": [{"url": _base()}],
        "paths": {
            "/": {"get": {"operationId": "landing", "responses": ok}},
            "/conformance": {"get": {"operationId": "conformance", "responses": ok}},
            "/collections": {"get": {"operationId": "collections", "responses": ok}},
            "/collections/{collectionId}": {
                "get": {
                    "operationId": "collection",
                    "parameters": [param["collectionId"]],
                    "responses": ok,
                }
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "operationId": "items",
                    "parameters": [
                        param[k]
                        for k in (
                            "collectionId",
                            "limit",
                            "offset",
                            "bbox",
                            "bbox-crs",
                            "crs",
                            "datetime",
                        )
                    ],
                    "responses": geo,
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "operationId": "item",
                    "parameters": [param["collectionId"], param["featureId"], param["crs"]],
                    "responses": geo,
                }
            },
        },
    }
    return Response(json.dumps(doc), mimetype="application/vnd.oai.openapi+json;version=3.0")
