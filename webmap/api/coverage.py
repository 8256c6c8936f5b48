"""Walking coverage over HTTP: table (JSON/CSV/GeoJSON), walking areas, scenarios, suggestions.

Reads only: a run's scratch work (temp tables) is rolled back, and a stale derived table is
a 503 with Retry-After while a queued rebuild runs (geo/coverage/derived.py), never rebuilt here.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field, FiniteFloat

from geo.answers import FeatureCollection
from geo.codes import StreetCode
from geo.coverage.answers import Coverage, Scenario, Suggestion
from geo.coverage.coverage import MAX_WALK_M, Site, coverage, scenario, threshold_from
from geo.coverage.demand import demand
from geo.coverage.freshness import built_reach
from geo.coverage.lifecircle import lifecircle
from geo.coverage.siting import suggest
from geo.coverage.walking_areas import walking_areas
from geo.errors import Unprocessable
from geo.points import to_wgs84_point
from geo.reference import compound_shapes, facility_kinds
from geo.text import sheet_cell
from webmap.auth import allow
from webmap.db import get_session
from webmap.openapi import CSV, GEOJSON, Answer, answers, listed
from webmap.schemas import Body, Crs, Lat, Located, Lon, Schema

api = APIBlueprint("coverage", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="coverage")])


class Threshold(Schema):
    kind: Annotated[str, listed("facility_kinds")] = Field(
        max_length=40, description="facility kind, e.g. party_service_centre"
    )
    threshold_m: FiniteFloat | None = Field(
        None, gt=0, le=MAX_WALK_M, description="walking distance, m (within the stored reach)"
    )
    minutes: FiniteFloat | None = Field(None, gt=0, le=60, description="or walking minutes")
    speed: FiniteFloat = Field(1.0, gt=0.2, le=3.0, description="walking speed, m/s")


class CoverageQuery(Threshold):
    format: Literal["json", "csv", "geojson"] = "json"


class Point(Located, Body):
    lon: Lon
    lat: Lat
    crs: Crs = "wgs84"
    label: str = Field("候选点", max_length=50)


class ScenarioIn(Threshold, Body):
    add: list[Point] = Field(default_factory=list, max_length=50)
    remove: list[str] = Field(default_factory=list, max_length=200)


class SuggestIn(Threshold, Body):
    k: int = Field(3, ge=1, le=20)
    candidates: list[Point] = Field(default_factory=list, max_length=2000)


def _known_kind(kind: str) -> None:
    kinds = [code for code, _ in facility_kinds(get_session())]
    if kind not in kinds:
        raise Unprocessable(f"未知设施类型「{kind}」，可选：{'、'.join(kinds)}")


def _check(q: Threshold) -> float:
    allow("coverage")
    s = get_session()
    _known_kind(q.kind)
    t = threshold_from(q.threshold_m, q.minutes, q.speed)
    reach = built_reach(s)
    if t > reach:
        given = f"{q.minutes:g} minutes at {q.speed:g} m/s is {t:g} m" if q.minutes else f"{t:g} m"
        raise Unprocessable(f"{given}; walking distances are kept up to {reach:g} m")
    return t


def _sites(points: list[Point]) -> list[Site]:
    return [Site(*to_wgs84_point(p.lon, p.lat, p.crs), p.label) for p in points]


@answers(ok=Answer(Coverage, media={CSV: str, GEOJSON: FeatureCollection}))
@api.get("/coverage")
def get_coverage(query: CoverageQuery):  # type: ignore[no-untyped-def]
    """Per compound: households, network and straight-line distance to the nearest facility of
    the kind, covered or not; per community and in total. ?format=csv|geojson to export."""
    t = _check(query)
    s = get_session()
    out = coverage(s, query.kind, t)
    if query.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(
            [
                "code",
                "name",
                "community_code",
                "households",
                "network_m",
                "straight_m",
                "covered",
                "straight_covered",
                "nearest",
            ]
        )
        for c in out["compounds"]:
            w.writerow(
                [
                    c["code"],
                    sheet_cell(c["name"]),
                    c["community_code"],
                    c["households"],
                    c["network_m"],
                    c["straight_m"],
                    c["covered"],
                    c["straight_covered"],
                    sheet_cell(c["nearest"]),
                ]
            )
        s.rollback()
        return Response(
            "\ufeff" + buf.getvalue(),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f"attachment; filename=coverage_{query.kind}_{t:.0f}m.csv"
            },
        )
    if query.format == "geojson":
        geoms = compound_shapes(s)
        s.rollback()
        fc = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": json.loads(geoms[c["code"]]), "properties": c}
                for c in out["compounds"]
            ],
        }
        return Response(json.dumps(fc, ensure_ascii=False), mimetype="application/geo+json")
    s.rollback()
    return jsonify(out)


@answers(ok=Answer(media={GEOJSON: FeatureCollection}))
@api.get("/coverage/areas")
def get_areas(query: Threshold) -> Response:
    """Walking areas: for each facility, the network within the threshold, partial edges
    included, as polygons."""
    t = _check(query)
    s = get_session()
    fc = walking_areas(s, query.kind, t)
    s.rollback()
    return Response(json.dumps(fc, ensure_ascii=False), mimetype="application/geo+json")


@answers(Scenario)
@api.post("/coverage/scenario")
def post_scenario(body: ScenarioIn):  # type: ignore[no-untyped-def]
    """Covered households before and after adding sites and/or removing facilities."""
    t = _check(body)
    s = get_session()
    out = scenario(s, body.kind, t, _sites(body.add), body.remove)
    s.rollback()
    return jsonify(out)


@answers(Suggestion)
@api.post("/coverage/suggest")
def post_suggest(body: SuggestIn):  # type: ignore[no-untyped-def]
    """k new sites that cover the most households not covered today (greedy)."""
    t = _check(body)
    s = get_session()
    out = suggest(s, body.kind, t, body.k, _sites(body.candidates))
    s.rollback()
    return jsonify(out)


class LifeCircleQuery(Schema):
    level: Literal["5", "10", "15"] = Field(description="the 5-, 10- or 15-minute circle")
    street: StreetCode | None = Field(None, description="one street's compounds")


@answers(dict[str, Any])
@api.get("/coverage/lifecircle")
def get_lifecircle(query: LifeCircleQuery):  # type: ignore[no-untyped-def]
    """Life circles by the standard (GB 50180-2018's facility sets, geo/coverage/lifecircle.toml):
    per compound the circle's services reached along the network within its distance and those
    missing; per community and in total the 达标率 (compounds reaching them all). A facility
    counts for its kind and for each service it lists."""
    allow("coverage")
    s = get_session()
    out = lifecircle(s, query.level, query.street or "")
    s.rollback()
    return jsonify(out)


class DemandQuery(Schema):
    kind: Annotated[str, listed("facility_kinds")] = Field(
        max_length=40, description="facility kind, e.g. building_station"
    )
    threshold_m: Literal["300", "500", "1000"] = Field(
        "500", description="one of the planner's stored walking distances, m"
    )


@answers(dict[str, Any])
@api.get("/coverage/demand")
def get_demand(query: DemandQuery):  # type: ignore[no-untyped-def]
    """Demand beyond compounds: for a kind that serves more than households (lifecircle.toml
    [demand]: 楼宇服务站 the employees of business buildings, 小哥驿站 shops and market
    stalls), how much of it lies within the kind's walking areas at the distance; per business
    community or open block, in total, and the largest gaps. "of" is null for a kind that
    serves households only (its coverage is /coverage)."""
    allow("coverage")
    _known_kind(query.kind)
    s = get_session()
    out = demand(s, query.kind, float(query.threshold_m))
    s.rollback()
    return jsonify(out)
