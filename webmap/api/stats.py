"""Cockpit numbers, the evaluation (综合评价), and the worker's search box."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from geo.access import Caller, allowed, case_view
from geo.answers import Search
from geo.assign import locate
from geo.cases.answers import Case, Cockpit
from geo.cases.dashboard import cockpit_stats
from geo.cases.workflow import get_case
from geo.errors import Unprocessable
from geo.evaluation.answers import Evaluation
from geo.evaluation.evaluation import evaluate
from geo.evaluation.series import By, Interval, series
from geo.evaluation.warnings import warnings
from geo.evaluation.words import PERIOD, Level
from geo.geocode import find_places
from geo.points import to_wgs84_point
from geo.vocabulary import DISTRICT_TZ, MAX_ID
from webmap.auth import allow
from webmap.db import get_replica_connection, get_replica_session, get_settings
from webmap.openapi import XLSX, Answer, answers
from webmap.schemas import AwareIsoDatetime, IsoDate, Schema

api = APIBlueprint("stats", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="pages")])
COORDS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$")


class SearchQuery(Schema):
    q: str = Field(min_length=1, max_length=100, description="case id, place name, or lon,lat")


def _readable(caller: Caller, case: Case) -> bool:
    """Search finds a case (masked) only where the caller may read it."""
    grid, zone = case["assignment"]["grid"], case["assignment"]["zone"]
    return allowed(
        case_view, caller, grid["code"] if grid else None, zone["code"] if zone else None
    )


@answers(Cockpit)
@api.get("/stats/cockpit")
def stats():  # type: ignore[no-untyped-def]
    """Cases today, open, overdue, resolved within the time limit, by street and category,
    and hotspots of the last 24 hours."""
    caller = allow("stats")
    return jsonify(cockpit_stats(get_replica_session(), caller.patterns()))


class EvaluationQuery(Schema):
    level: Level = Field(description="street | community | grid | unit | worker")
    period: str = Field(
        pattern=PERIOD.pattern,
        description="a month 2026-11, a quarter 2026-Q4 or a year 2026 (district time)",
    )


@answers(Evaluation)
@api.get("/stats/evaluation")
def evaluation(query: EvaluationQuery):  # type: ignore[no-untyped-def]
    """综合评价: each street, community, grid, handling unit or grid worker in the caller's
    areas over the period — 上报数, 主动发现数, 立案数/率, 派遣数, 按期派遣率, 处置数, 按期处置率,
    结案数, 结案率, 按期结案率, 返工率, 督办数, 延期数, 挂账数, mean handling time in working
    hours, and for workers 巡查里程 and road coverage — with a composite score (the weights
    file's weighted mean of the rates), its rank and its change against the previous period.
    `definitions` gives each indicator's numerator, denominator and which cases count."""
    caller = allow("stats")
    return jsonify(evaluate(get_replica_session(), query.level, query.period, caller.patterns()))


class SeriesQuery(Schema):
    interval: Interval = "day"
    since: AwareIsoDatetime | None = Field(
        None, description="none: 24 hours, 30 days or 12 weeks before until, by interval"
    )
    until: AwareIsoDatetime | None = Field(None, description="none: now")
    by: By | None = Field(None, description="category | street | unit; none: the total")


@answers(dict[str, Any])
@api.get("/stats/series")
def get_series(query: SeriesQuery):  # type: ignore[no-untyped-def]
    """Trends: cases reported, closed (结案) and overdue per hour, day or week (district time),
    in total or by category, street or unit, in the caller's areas:
    {"buckets": [...], "series": {key: {"reported", "closed", "overdue"}}}."""
    caller = allow("stats")
    until = query.until or datetime.now(UTC)
    back = {"hour": timedelta(hours=24), "day": timedelta(days=30), "week": timedelta(weeks=12)}
    since = query.since or until - back[query.interval]
    out = series(get_replica_session(), query.interval, since, until, query.by, caller.patterns())
    return jsonify(out)


class WarningsQuery(Schema):
    date: IsoDate | None = Field(None, description="a district day; none: today")


@answers(dict[str, Any])
@api.get("/stats/warnings")
def get_warnings(query: WarningsQuery):  # type: ignore[no-untyped-def]
    """事件预警 for a day, in the caller's areas: spikes (a community × category whose count is
    improbably high against the same weekday of the 8 weeks before, Poisson upper tail below
    GRIDMAP_WARNING_P) and recurring places (3 or more cases of one category within 50 m of
    one another in 7 days), each with its cases."""
    caller = allow("stats")
    day = query.date or datetime.now(ZoneInfo(DISTRICT_TZ)).date()
    s = get_replica_session()
    return jsonify(warnings(s, day, caller.patterns(), get_settings().warning_p))


class EvaluationExportQuery(Schema):
    period: str = Field(
        pattern=PERIOD.pattern,
        description="a month 2026-11, a quarter 2026-Q4 or a year 2026 (district time)",
    )
    format: Literal["xlsx"] = "xlsx"


@answers(ok=Answer(media={XLSX: bytes}))
@api.get("/stats/evaluation/export")
def evaluation_export(query: EvaluationExportQuery):  # type: ignore[no-untyped-def]
    """The period's evaluation as a workbook: a sheet per level, ranked, Chinese headers, and a
    sheet of the definitions (what `gridmap report` writes), in the caller's areas."""
    from data.evaluation_report import evaluation_workbook

    caller = allow("stats")
    data = evaluation_workbook(get_replica_session(), query.period, caller.patterns())
    resp = Response(data, mimetype=XLSX)
    name = f"evaluation-{query.period}.xlsx"
    resp.headers["Content-Disposition"] = f"attachment; filename={name}"
    return resp


@answers(Search)
@api.get("/search")
def search(query: SearchQuery):  # type: ignore[no-untyped-def]
    """What a grid worker types: a case number, an address or building name, or lon,lat."""
    caller = allow("search")
    s = get_replica_session()
    q = query.q.strip()
    if q.isascii() and q.isdigit():  # ASCII only: "²".isdigit() too, and int() refuses it
        case = get_case(s, int(q)) if int(q) <= MAX_ID else None
        if case is None or not _readable(caller, case):
            return jsonify(kind="none", message=f"没有编号为 {q} 的案件", results=[])
        return jsonify(kind="case", results=[case])
    m = COORDS.match(q)
    if m:
        try:
            lon, lat = to_wgs84_point(float(m.group(1)), float(m.group(2)))
            a = locate(get_replica_connection(), lon, lat, get_settings().snap_distance_m).as_dict()
        except Unprocessable as exc:  # the search box says why, as its answer
            return jsonify(kind="none", message=str(exc), results=[])
        return jsonify(kind="point", results=[a])
    places = find_places(s, q, 10)
    return jsonify(kind="places", results=places, message=None if places else f"没有找到“{q}”")
