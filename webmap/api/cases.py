"""Case intake, reading, lifecycle and the desk's list under /api/v1/cases; who may do what
is geo/access.py (the command centre's steps are webmap/api/desk.py)."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field
from sqlalchemy.orm import Session

from data.export import table_file
from geo.access import Caller, case_view, may_move, require
from geo.cases.answers import Case, CatalogueGroup
from geo.cases.catalogue import catalogue
from geo.cases.desk import (
    EXPORT_COLUMNS,
    PAGE_MAX,
    Queue,
    Sort,
    export_row,
    list_cases,
    queue_counts,
)
from geo.cases.guards import StepTaken, check_step_key, check_version, mark_step_key
from geo.cases.media import add_report_photos, decode_photo
from geo.cases.offers import offers
from geo.cases.words import FOUND_BY_WORKER
from geo.cases.workflow import (
    NewCase,
    case_place,
    create_case,
    get_case,
    possible_duplicates,
    transition,
)
from geo.codes import UnitCode
from geo.errors import Unprocessable
from geo.points import to_wgs84_point
from geo.riders.words import RIDER_SOURCE
from geo.vocabulary import CaseStatus
from webmap.auth import allow, audit_caller, current_caller
from webmap.db import get_read_session, get_session, get_settings
from webmap.metrics import CASES
from webmap.openapi import CSV, XLSX, Answer, answers
from webmap.schemas import (
    AuthHeaders,
    CaseHeaders,
    CaseIn,
    CasePath,
    IsoDatetime,
    LocateQuery,
    Schema,
    TransitionIn,
)

api = APIBlueprint("cases", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="cases")])


def source_for(role: str | None, default: str) -> str:
    """Where a report came from, by who sent it: a grid worker's own is 主动发现 (found on the
    round), a rider's is theirs (their points count it); anyone else's, the way in (default)."""
    return {"grid_worker": FOUND_BY_WORKER, "rider": RIDER_SOURCE}.get(role or "", default)


@answers(list[CatalogueGroup])
@api.get("/categories")
def get_categories(header: AuthHeaders):  # type: ignore[no-untyped-def]
    """The case categories in two levels (大类 → 小类; GB/T 30428.2 classes and the
    district's own), each with its dispatch and handling limits, its 立案条件, the kind of unit
    it goes to by default and whether its handling needs a photo."""
    allow("locate")  # every signed-in role: a report form picks from it
    return jsonify(catalogue(get_read_session()))


class NearbyQuery(LocateQuery):
    category: str = Field(min_length=1, max_length=40)


@answers(list[dict[str, Any]])
@api.get("/cases/nearby")
def get_nearby(query: NearbyQuery, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """是这件吗？ Before a report is sent: the open cases of its category within the duplicate
    radius and window (GRIDMAP_DUPLICATE_M, GRIDMAP_DUPLICATE_HOURS), nearest first, at most 5."""
    caller = current_caller()
    require(caller, "case.read")
    lon, lat = to_wgs84_point(query.lon, query.lat, query.crs)
    found = possible_duplicates(
        get_read_session(), get_settings(), 0, lon, lat, query.category, with_text=True
    )
    return jsonify(found)


@answers(Case, "Already taken with this Idempotency-Key", created=Answer(Case, "Created"))
@api.post("/cases")
def post_case(body: CaseIn, header: CaseHeaders):  # type: ignore[no-untyped-def]
    """Report a case, with up to 9 photos; it is assigned at once. Retries with the same
    Idempotency-Key from the same caller are safe (another caller's key of the same text is
    theirs)."""
    caller = allow("case.create")
    s = get_session()
    photos = [decode_photo(p, f"photos[{i}]") for i, p in enumerate(body.photos or [])]
    new = NewCase(
        lon=body.lon,
        lat=body.lat,
        crs=body.crs,
        category=body.category,
        description=body.description,
        address=body.address,
        reporter_name=body.reporter.name if body.reporter else None,
        reporter_phone=body.reporter.phone if body.reporter else None,
        source=source_for(caller.role, "api"),
    )
    intake = create_case(
        s, get_settings(), new, header.idempotency_key, caller.scope, actor=caller.name
    )
    if intake.created:
        add_report_photos(s, intake.id, photos, caller.name)  # a photo refused: no case
        audit_caller(s, "case.create", target=f"case:{intake.id}")
    s.commit()
    out = get_case(s, intake.id)
    assert out is not None
    out["possible_duplicates"] = intake.duplicates
    resp = jsonify(out)
    resp.status_code = 201 if intake.created else 200
    if intake.created:
        CASES.labels("api").inc()
    resp.headers["Location"] = f"/api/v1/cases/{intake.id}"
    if not intake.created:
        resp.headers["Idempotent-Replayed"] = "true"
    return resp


@answers(Case)
@api.get("/cases/<int:case_id>")
def read_case(path: CasePath, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """A case with its assignment and event trail, to the roles that read cases, inside
    their areas (403 outside); the reporter in full only to the roles that see personal data
    (geo/access.py), and every such read is in the audit log."""
    s = get_session()
    out = shown_case(s, current_caller(), path.case_id)
    s.commit()
    return jsonify(out)


def shown_case(s: Session, caller: Caller, case_id: int) -> Case:
    """A case as this caller reads it: the reporter in full only to the roles that see
    personal data (such a read goes in the audit log, uncommitted), and the steps the caller
    may take on it now."""
    place = case_place(s, case_id)
    full = case_view(caller, *place)
    out = get_case(s, case_id, full_reporter=full)
    assert out is not None
    if full and (out["reporter"]["name"] or out["reporter"]["phone"]):
        audit_caller(s, "case.read_personal", target=f"case:{case_id}")
    out["actions"] = offers(caller, out, place)
    return out


def replayed(exc: StepTaken) -> Response:
    """A step retried under the key it was taken with: the case as it stands (200), marked
    Idempotent-Replayed, nothing taken again."""
    s = get_session()
    out = shown_case(s, current_caller(), exc.case_id)
    s.commit()
    resp = jsonify(out)
    resp.headers["Idempotent-Replayed"] = "true"
    return resp


api.register_error_handler(StepTaken, replayed)


@answers(Case)
@api.post("/cases/<int:case_id>/transitions")
def post_transition(path: CasePath, body: TransitionIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """Move a case through its lifecycle: staff of its area, or its grid's worker (accept,
    resolve, return); invalid moves are 409."""
    caller = current_caller()
    s = get_session()
    may_move(caller, *case_place(s, path.case_id), body.to)
    key = request.headers.get("Idempotency-Key")
    check_step_key(s, path.case_id, caller.name, key)
    check_version(s, path.case_id, request.headers.get("If-Match"))
    previous = transition(s, path.case_id, body.to, caller.name, body.note)
    mark_step_key(s, path.case_id, caller.name, key)
    audit_caller(
        s,
        "case.transition",
        target=f"case:{path.case_id}",
        detail={"from": previous, "to": body.to, "note": body.note},
    )
    out = shown_case(s, caller, path.case_id)
    s.commit()
    return jsonify(out)


class CasesFilter(Schema):
    status: CaseStatus | None = None
    queue: Queue | None = Field(None, description="待立案 … 挂账: the desk's queues")
    unit: UnitCode | None = None
    area: str | None = Field(None, max_length=40, description="a street, community or grid code")
    category: str | None = Field(None, max_length=40)
    source: str | None = Field(
        None,
        max_length=20,
        description="api, open311, batch:…; worker_patrol: a grid worker's own (主动发现)",
    )
    reporter: str | None = Field(
        None, max_length=100, description="the account that reported it; me: the caller"
    )
    warning: Literal["none", "yellow", "red"] | None = None
    supervised: bool | None = None
    parked: bool | None = None
    rework: bool | None = None
    since: IsoDatetime | None = None
    until: IsoDatetime | None = None
    text: str | None = Field(None, max_length=100, description="in the description or address")
    sort: Sort = "-created"


class CasesQuery(CasesFilter):
    limit: int = Field(50, ge=1, le=PAGE_MAX)
    after: str | None = Field(
        None,
        max_length=200,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the page after this cursor (a previous answer's next)",
    )


class ExportQuery(CasesFilter):
    format: Literal["xlsx", "csv"] = "xlsx"


EXPORT_MAX = 100_000  # rows in one file; a larger list is narrowed first


def _scope(caller: Caller) -> list[str] | None:
    require(caller, "case.read")
    return caller.patterns()


@answers(dict[str, Any])
@api.get("/cases")
def get_cases(query: CasesQuery, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """The cases in the caller's scope (its areas; a department's, its units'), newest first
    or as sorted, a page at a time: {"items", "total", "total_capped", "next"}. next is the
    cursor of the following page (ask again with after=next), none on the last; total counts
    the list up to 1,000 (total_capped: there are more)."""
    caller = current_caller()
    f = query.model_dump(exclude={"limit", "after"})
    f["status"] = [query.status] if query.status else None
    if f["reporter"] == "me":
        f["reporter"] = caller.name
    page = list_cases(get_read_session(), _scope(caller), f, query.limit, query.after)
    return jsonify(page)


@answers(ok=Answer(media={XLSX: bytes, CSV: str}))
@api.get("/cases/export")
def export_cases(query: ExportQuery, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """The desk's list as a file (XLSX, or CSV in UTF-8 with a BOM for Excel): the same
    filters and order as GET /api/v1/cases, every row up to 100,000 (422 beyond: narrow it),
    Chinese headers, no reporter."""
    caller = current_caller()
    f = query.model_dump(exclude={"format"})
    f["status"] = [query.status] if query.status else None
    if f["reporter"] == "me":
        f["reporter"] = caller.name
    page = list_cases(get_read_session(), _scope(caller), f, EXPORT_MAX)
    if page["next"] is not None:
        raise Unprocessable(f"超过一次导出的上限 {EXPORT_MAX} 件：请缩小筛选范围")
    table = pd.DataFrame([export_row(c) for c in page["items"]], columns=list(EXPORT_COLUMNS))
    data = table_file(table, query.format, "案件清单")
    resp = Response(data, mimetype=XLSX if query.format == "xlsx" else CSV)
    resp.headers["Content-Disposition"] = f"attachment; filename=cases.{query.format}"
    return resp


@answers(dict[str, int])
@api.get("/cases/queues")
def get_queues(header: AuthHeaders):  # type: ignore[no-untyped-def]
    """How many cases each of the desk's queues holds in the caller's scope."""
    caller = current_caller()
    return jsonify(queue_counts(get_read_session(), _scope(caller)))
