"""GET /api/v1/layers and /api/v1/layers/<key>.geojson: any registry layer as WGS84 GeoJSON."""

from __future__ import annotations

import json
import math
from typing import Literal

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from data.export import MIMETYPES, export, layer_frame
from geo.access import may_read_layer
from geo.answers import FeatureCollection, Layer
from geo.coverage.coverage import MAX_WALK_M
from geo.coverage.walking_areas import walking_areas
from geo.errors import BadInput, NotFound, Unprocessable
from layers.registry import LAYERS
from webmap.auth import allow
from webmap.db import get_replica_session, get_session
from webmap.openapi import GEOJSON, Answer, answers
from webmap.schemas import AwareIsoDatetime, IsoDatetime, Schema
from webmap.tiles import geojson_answer

# four decimal numbers, as the description states them (Python's float() would take more)
BBOX = r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$"

api = APIBlueprint("layers", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="layers")])


class LayerPath(Schema):
    key: str


class LayerQuery(Schema):
    bbox: str | None = Field(
        None, pattern=BBOX, description="minlon,minlat,maxlon,maxlat (WGS84, decimal degrees)"
    )
    zoom: int | None = Field(None, ge=0, le=22, description="map zoom: simplifies to half a pixel")
    kind: str | None = Field(None, max_length=40, description="facilities: one kind only")
    grid: str | None = Field(None, max_length=15, description="cases: one grid only")
    at: AwareIsoDatetime | None = Field(
        None,
        description="cases, playback: the cases reported that day (district time) before this "
        "moment, each with the status it had then",
    )
    threshold_m: float | None = Field(
        None, gt=0, le=MAX_WALK_M, description="coverage: walking metres"
    )


@answers(list[Layer])
@api.get("/layers")
def list_layers():  # type: ignore[no-untyped-def]
    """Every layer in the registry, with its title, style and which pages show it."""
    allow("layers")
    return jsonify([spec.as_dict() for spec in LAYERS.values()])


@answers(ok=Answer(media={GEOJSON: FeatureCollection}))
@api.get("/layers/<key>.geojson")
def layer_geojson(path: LayerPath, query: LayerQuery) -> Response:
    """A layer as a FeatureCollection; every feature has `code` and `name`. With bbox, only
    what meets the box, simplified for the zoom; without, the whole layer at 6 decimals."""
    caller = allow("layers")
    spec = LAYERS.get(path.key)
    if spec is None:
        raise NotFound(f"没有图层「{path.key}」；见 /api/v1/layers")
    may_read_layer(caller, spec.access)
    if spec.computed:  # coverage: walking areas for one facility kind and distance
        s = get_session()
        fc = walking_areas(s, query.kind or "party_service_centre", query.threshold_m or 500.0)
        s.rollback()
        return Response(json.dumps(fc, ensure_ascii=False), mimetype="application/geo+json")
    box, zoom = (-180.0, -90.0, 180.0, 90.0), None
    if query.bbox:
        try:
            box = tuple(float(v) for v in query.bbox.split(","))  # type: ignore[assignment]
        except ValueError:
            raise BadInput("bbox 须为四个数：minlon,minlat,maxlon,maxlat") from None
        if len(box) != 4 or not all(map(math.isfinite, box)) or box[0] > box[2] or box[1] > box[3]:
            raise Unprocessable("bbox 须为 minlon,minlat,maxlon,maxlat，且最小值 ≤ 最大值")
        zoom = query.zoom  # simplified for it; the whole layer, never
    kind = query.kind if spec.binds("kind") else None
    grid = query.grid if spec.binds("grid") else None
    at = query.at if spec.binds("at") else None
    return geojson_answer(spec, caller.patterns(), box, zoom, kind, grid, at)


class ExportQuery(Schema):
    format: Literal["gpkg", "shp", "csv", "xlsx"] = "gpkg"
    crs: Literal["wgs84", "cgcs2000", "gcj02"] = "wgs84"
    encoding: Literal["gbk", "utf-8"] = Field("gbk", description="Shapefile attributes")
    geometry: Literal["wkt", "lonlat"] = Field("wkt", description="CSV/XLSX: WKT or lon/lat")
    category_code: str | None = Field(None, max_length=40, description="cases: a category")
    status: str | None = Field(None, max_length=20, description="cases: a status")
    grid_code: str | None = Field(None, max_length=15, description="cases: a grid")
    since: IsoDatetime | None = Field(None, description="cases: reported at or after")
    until: IsoDatetime | None = Field(None, description="cases: reported at or before")


@answers(ok=Answer(media=dict.fromkeys(MIMETYPES.values(), bytes)))
@api.get("/layers/<key>/export")
def layer_export(path: LayerPath, query: ExportQuery) -> Response:
    """A layer as a GeoPackage, zipped Shapefile (.cpg: GBK or UTF-8), CSV (UTF-8 with BOM) or
    XLSX, in WGS84, CGCS2000 or GCJ-02; cases with their filters. What the API shows the
    caller, nothing more."""
    caller = allow("layers")
    spec = LAYERS.get(path.key)
    if spec is None or spec.computed:
        raise NotFound(f"没有图层「{path.key}」；见 /api/v1/layers")
    filters = {
        k: v
        for k, v in (
            ("category_code", query.category_code),
            ("status", query.status),
            ("grid_code", query.grid_code),
        )
        if v is not None
    }
    may_read_layer(caller, spec.access)
    if spec.key != "cases" and (filters or query.since or query.until):
        raise Unprocessable("category_code、status、grid_code、since 和 until 只用于筛选案件")
    gdf = layer_frame(
        get_replica_session(), spec, caller.patterns(), filters, query.since, query.until
    )
    data = export(gdf, spec.key, query.format, query.crs, query.encoding, query.geometry)
    suffix = "zip" if query.format == "shp" else query.format
    return Response(
        data,
        mimetype=MIMETYPES[query.format],
        headers={"Content-Disposition": f"attachment; filename={spec.key}-{query.crs}.{suffix}"},
    )
