"""Vector tiles of every registry layer (issue #19): /tiles/<layer>/{z}/{x}/{y}.mvt (Web
Mercator, ST_AsMVT, the layer's attributes as properties) and a TileJSON document per layer,
with the same access rules as /api/v1/layers. A tile answers with an ETag of its bytes and
`Cache-Control: no-cache`: a client revalidates and gets 304 while the tile is unchanged, and
never keeps a tile past a change. Below a layer's zoom range a tile is empty (204).

Tiles are kept by each serving process and on the host's disk for the others
(webmap/tile_cache.py), keyed by the layer's data version and the caller's areas; the pages'
big layers (LayerSpec.tiled) come unclipped.
"""

from __future__ import annotations

import gzip
import hashlib
import math
from collections.abc import Callable
from datetime import datetime
from functools import cache as cache_fn
from typing import NamedTuple

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import TypeAdapter, ValidationError

from geo.access import Caller, may_read_layer
from geo.codes import is_hierarchy_code
from geo.errors import BadInput, NotFound
from geo.sql.loader import to_driver
from layers.frames import (
    layer_params,
    version_sql,
    versioned_feature_collection_sql,
    versioned_tile_sql,
)
from layers.registry import LAYERS, LayerSpec
from webmap.auth import allow
from webmap.db import get_replica_connection, get_settings
from webmap.openapi import GEOJSON
from webmap.schemas import AwareIsoDatetime
from webmap.tile_cache import SharedTiles, Tile, TileCache, now, until

bp = Blueprint("tiles", __name__, url_prefix="/tiles")
MAX_ZOOM = 20
SHARPER = 2  # a GeoJSON tile's simplification: for this many zooms above its own
GZIP_FROM = 1024  # an answer this long or longer is sent gzipped to a client that takes it
MVT = "application/vnd.mapbox-vector-tile"
_MOMENT: TypeAdapter[datetime] = TypeAdapter(AwareIsoDatetime)


def _spec(layer: str) -> tuple[LayerSpec, Caller]:
    caller = allow("layers")
    spec = LAYERS.get(layer)
    if spec is None or spec.computed:
        raise NotFound(f"没有瓦片图层「{layer}」")
    may_read_layer(caller, spec.access)
    return spec, caller


def playback_moment(given: str | None) -> datetime | None:
    """The cases layer's `at` (playback), read as /api/v1/layers reads it: ISO 8601 with its
    offset."""
    if given is None:
        return None
    try:
        return _MOMENT.validate_python(given)
    except ValidationError:
        raise BadInput("at 须为带时区的 ISO 8601 时间（如 2026-12-04T14:00:00+08:00）") from None


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The Web Mercator tile (x, y) at zoom z holding a WGS84 point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """A Web Mercator tile's WGS84 bounds (lon, lat), widened by its 64/4096 buffer."""
    n: int = 2**z

    def lon(i: float) -> float:
        return i / n * 360.0 - 180.0

    def lat(j: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * j / n))))

    pad = 64 / 4096
    return lon(x - pad), lat(y + 1 + pad), lon(x + 1 + pad), lat(y - pad)


@cache_fn
def _driver_sql(key: str, tables: tuple[str, ...]) -> str:
    return to_driver(versioned_tile_sql(key, tables))


@cache_fn
def _fc_sql(key: str, tables: tuple[str, ...]) -> str:
    """The layer's FeatureCollection with its tables' data version (layers.frames)."""
    return to_driver(versioned_feature_collection_sql(key, tables))


@cache_fn
def _version_sql(tables: tuple[str, ...]) -> str:
    """The tables' data version, and which change record it counts (TileCache.same_history)."""
    return f"SELECT ({version_sql(tables)}), 'data_changes'::regclass::oid"


def cache() -> TileCache:
    """This app's tile cache (one per serving process), sharing its tiles on disk with the
    host's other serving processes; not a test's app, whose lent connection sees the test's
    own writes, which no other reader may be served."""
    found = current_app.extensions.get("gridmap.tiles")
    if found is None:
        settings = get_settings()
        shared = None
        if settings.tile_disk_mb > 0 and "gridmap.lent" not in current_app.extensions:
            shared = SharedTiles(settings.var_dir / "tiles", settings.tile_disk_mb << 20)
        found = current_app.extensions.setdefault(
            "gridmap.tiles", TileCache(settings.tile_cache_mb << 20, shared)
        )
    return found  # type: ignore[no-any-return]


class _Asked(NamedTuple):
    spec: LayerSpec
    kind: str | None
    grid: str | None
    at: datetime | None
    areas: list[str] | None  # the caller's (None: all)


def _asked(layer: str, z: int, x: int, y: int) -> _Asked | None:
    """A tile request's layer and filters, read as /api/v1/layers reads them (a filter the
    layer does not read dropped); None below the layer's zoom range (an empty tile: 204)."""
    spec, caller = _spec(layer)
    if z > MAX_ZOOM or x >= 2**z or y >= 2**z:
        raise BadInput(f"没有瓦片 {z}/{x}/{y}（缩放级别 0–{MAX_ZOOM}）")
    if z < spec.tile_min_zoom:
        return None
    kind, grid = request.args.get("kind"), request.args.get("grid")  # as /api/v1/layers
    if len(kind or "") > 40:
        raise BadInput("kind 至多 40 个字符")
    if grid is not None and not is_hierarchy_code(grid, "grid"):
        raise BadInput("grid 须为网格编码（15 位数字）")
    at = playback_moment(request.args.get("at")) if spec.binds("at") else None
    kind = kind if spec.binds("kind") else None
    return _Asked(spec, kind, grid if spec.binds("grid") else None, at, caller.patterns())


@bp.get("/<layer>/<int:z>/<int:x>/<int:y>.mvt")
def tile(layer: str, z: int, x: int, y: int) -> Response:
    asked = _asked(layer, z, x, y)
    if asked is None:
        return Response(status=204)
    spec, kind, grid, at, areas = asked
    key = (spec.key, z, x, y, kind, grid, at, tuple(areas) if areas is not None else None)
    params = {**layer_params(areas, tile_bounds(z, x, y), kind=kind, grid=grid, at=at)}
    params |= {"z": z, "x": x, "y": y, "layer": spec.key, "clip": not spec.tiled}
    return versioned_answer(spec, key, _driver_sql, params, MVT)


@bp.get("/<layer>/<int:z>/<int:x>/<int:y>.geojson")
def geojson_tile(layer: str, z: int, x: int, y: int) -> Response:
    """The tile as GeoJSON: the layer's features that meet it, each whole, as
    /api/v1/layers/<layer>.geojson gives them for the tile's box at its zoom. What the maps'
    pages draw from (JSON.parse is the browser's own: decoding the MVT of the cockpit's start
    view in script took it 190 ms longer, webmap/static/gridmap/gridmap.js); MapLibre and GIS
    clients read the MVT."""
    asked = _asked(layer, z, x, y)
    if asked is None:
        return Response(status=204)
    spec, kind, grid, at, areas = asked
    # simplified for two zooms in: a page draws a tile up to a zoom or two above its own (a
    # layer's tiles start a zoom below it; a big screen takes coarser ones, gm.tiled)
    return geojson_answer(spec, areas, tile_bounds(z, x, y), z + SHARPER, kind, grid, at)


def geojson_answer(
    spec: LayerSpec,
    areas: list[str] | None,
    box: tuple[float, float, float, float],
    zoom: int | None,
    kind: str | None,
    grid: str | None,
    at: datetime | None,
) -> Response:
    """The layer's features meeting box, as a FeatureCollection, simplified to half a pixel at
    zoom where the layer simplifies (None: not at all): /api/v1/layers/<key>.geojson's and the
    GeoJSON tiles' answer, one cache entry for the same box."""
    tol = 0.5 * 360.0 / (256 * 2**zoom) if spec.simplify and zoom is not None else 0.0
    held = tuple(areas) if areas is not None else None
    key = ("geojson", spec.key, box, tol, kind, grid, at, held)
    params = layer_params(areas, box, tol=tol, kind=kind, grid=grid, at=at)
    return versioned_answer(spec, key, _fc_sql, params, GEOJSON)


def versioned_answer(
    spec: LayerSpec,
    key: tuple[object, ...],
    sql: Callable[[str, tuple[str, ...]], str],
    params: dict[str, object],
    mimetype: str,
) -> Response:
    """A layer's tile or GeoJSON, from this process's cache while its data version holds, or
    else from the host's (another process's tile of the same version). With a body kept under
    `key`, or a shared cache, the version of the layer's tables is read alone (a statement
    planned in microseconds: the cases layer's own, over its month partitions, takes 4-7 ms to
    plan whether it runs or not); when neither cache has the body of that version,
    `sql(layer, tables)` (versioned: layers.frames) reads the version and the body in one
    snapshot, and the body is kept under that version. Gzipped once and kept so; an ETag of
    the bytes, `no-cache` (the client revalidates: 304 while unchanged)."""
    conn, kept, made = get_replica_connection(), cache(), now()
    tables, clock = kept.layer_reads(conn, spec.key, spec.sql)
    held = kept.held(key, made)
    tile = None
    shared, on_disk = kept.shared, None
    if held is not None or shared is not None or kept.record is None:
        version, record = conn.execute(_version_sql(tables)).fetchone()  # type: ignore[misc]
        if kept.same_history(record) and held is not None and version == held.version:
            tile = held
        if tile is None and shared is not None:
            on_disk = shared.path(conn, record, key)
            tile = shared.get(on_disk, version, made)
    kept.count(tile is not None)
    if tile is None:
        version, body, lasts = conn.execute(sql(spec.key, tables), params).fetchone()  # type: ignore[misc]
        data = body.encode() if isinstance(body, str) else bytes(body or b"")
        kept_until = until(made, lasts, spec.states_changes, clock)
        # gzipped once, as made, and kept with it (here and on disk): every browser asks so
        gz = gzip.compress(data, compresslevel=5) if len(data) >= GZIP_FROM else None
        tile = Tile(version, kept_until, data, hashlib.sha256(data).hexdigest()[:32], gz)
        if shared is not None and on_disk is not None:
            shared.put(on_disk, tile)
    etag, out, gzipped = tile.etag, tile.data, False
    if tile.gz is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        etag, out, gzipped = tile.etag + "z", tile.gz, True
    if tile != held:
        kept.put(key, tile)
    if request.if_none_match.contains(etag):
        resp = Response(status=304)
    else:
        resp = Response(out, mimetype=mimetype)
        if gzipped:
            resp.headers["Content-Encoding"] = "gzip"
    resp.vary.add("Accept-Encoding")
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp


@bp.get("/<layer>.json")
def tilejson(layer: str) -> Response:
    """TileJSON 3.0 for a layer: its tile URL, zoom range, fields and bounds."""
    spec, _ = _spec(layer)
    base = request.host_url.rstrip("/")
    fields = {"code": "String", "name": "String"} | {p: "String" for p, _ in spec.popup}
    return jsonify(
        {
            "tilejson": "3.0.0",
            "name": spec.title,
            "tiles": [f"{base}/tiles/{spec.key}/{{z}}/{{x}}/{{y}}.mvt"],
            "minzoom": spec.tile_min_zoom,
            "maxzoom": MAX_ZOOM,
            "bounds": list(get_settings().district_bounds),
            "attribution": spec.attribution or "",
            "vector_layers": [
                {
                    "id": spec.key,
                    "fields": fields,
                    "minzoom": spec.tile_min_zoom,
                    "maxzoom": MAX_ZOOM,
                }
            ],
        }
    )
