"""The command centre's desk under /api/v1: the list of cases in the caller's scope and its
queues, the workflow's steps (立案, 不予立案, 派遣, 核查, 督办, 挂账), the handling units, and
each account's inbox. Who may take which step is geo/access.py; the case's rules are
geo/cases/steps.py's."""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, FileStorage, Tag
from pydantic import Field

from geo.access import Caller, case_view, require_case
from geo.cases import steps
from geo.cases.answers import Case, Unit
from geo.cases.guards import StepTaken, check_step_key, check_version, mark_step_key
from geo.cases.media import MAX_BYTES, add_photo, case_photos, is_report_photo, public_copy
from geo.cases.notices import inbox, mark_read
from geo.cases.units import get_unit, list_units, suggest_unit
from geo.cases.words import UnitKind
from geo.cases.workflow import case_place
from geo.codes import UnitCode
from geo.errors import NotAuthenticated, NotFound
from webmap.api.cases import replayed, shown_case
from webmap.auth import allow, audit_caller, current_caller
from webmap.db import get_read_session, get_session
from webmap.openapi import Answer, answers
from webmap.schemas import (
    AuthHeaders,
    AwareIsoDatetime,
    Body,
    CasePath,
    IsoDate,
    Schema,
    WholeId,
)

api = APIBlueprint("desk", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="desk")])
api.register_error_handler(StepTaken, replayed)


class Note(Body):
    note: str | None = Field(None, max_length=500)


class Refusal(Body):
    reason: str = Field(min_length=1, max_length=500, description="the reporter reads it")


class DispatchIn(Body):
    unit: UnitCode | None = Field(None, description="none: the suggested unit")
    note: str | None = Field(None, max_length=500)


class VerifyIn(Body):
    passed: bool
    note: str | None = Field(None, max_length=500)


class SuperviseIn(Body):
    level: int = Field(ge=1, le=3, description="1 区级 … 3 最高")
    due: AwareIsoDatetime
    note: str | None = Field(None, max_length=500)


class ParkIn(Body):
    reason: str = Field(min_length=1, max_length=500)
    review_on: IsoDate


def _step(case_id: int, action: str) -> tuple[Caller, Any]:
    """The caller may take the step (403), has not taken it under this Idempotency-Key
    already (StepTaken: the case as it stands), and the case is the version it was made
    against (If-Match; 412)."""
    caller = current_caller()
    s = get_session()
    require_case(caller, action, *case_place(s, case_id))
    check_step_key(s, case_id, caller.name, request.headers.get("Idempotency-Key"))
    check_version(s, case_id, request.headers.get("If-Match"))
    return caller, s


def _done(s: Any, case_id: int, action: str, detail: dict[str, Any]) -> Any:
    audit_caller(s, action, target=f"case:{case_id}", detail=detail)
    key = request.headers.get("Idempotency-Key")
    mark_step_key(s, case_id, current_caller().name, key)
    out = shown_case(s, current_caller(), case_id)
    s.commit()
    return jsonify(out)


@answers(Case)
@api.post("/cases/<int:case_id>/register")
def post_register(path: CasePath, body: Note, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """立案: the report meets its category's conditions; it waits for dispatch."""
    caller, s = _step(path.case_id, "case.dispatch")
    steps.register(s, path.case_id, caller.name, body.note)
    return _done(s, path.case_id, "case.register", {"note": body.note})


@answers(Case)
@api.post("/cases/<int:case_id>/refuse")
def post_refuse(path: CasePath, body: Refusal, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """不予立案, with a reason the reporter reads through Open311."""
    caller, s = _step(path.case_id, "case.dispatch")
    steps.refuse(s, path.case_id, caller.name, body.reason)
    return _done(s, path.case_id, "case.refuse", {"reason": body.reason})


@answers(Unit)
@api.get("/cases/<int:case_id>/suggested-unit")
def get_suggested_unit(path: CasePath, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """The unit the case goes to by default: its category's for its place (the compound's
    property company, the street's enforcement squad, the block's partner …), else its grid."""
    caller, s = _step(path.case_id, "case.dispatch")
    code = suggest_unit(s, path.case_id)
    if code is None:
        raise NotFound("没有可建议的处置单位：该案件的网格和街道都没有处置单位")
    return jsonify(get_unit(s, code))


@answers(Case)
@api.post("/cases/<int:case_id>/dispatch")
def post_dispatch(path: CasePath, body: DispatchIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """派遣 to a unit (none: the suggested one); a case already dispatched is sent on (改派).
    The unit's accounts are told (their inbox)."""
    caller, s = _step(path.case_id, "case.dispatch")
    unit = steps.dispatch(s, path.case_id, body.unit, caller.name, body.note)
    return _done(s, path.case_id, "case.dispatch", {"unit": unit, "note": body.note})


@answers(Case)
@api.post("/cases/<int:case_id>/verify")
def post_verify(path: CasePath, body: VerifyIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """核查 a resolved case, by someone other than whoever resolved it (409 otherwise):
    passed closes it, failed sends it back to its unit as rework."""
    caller, s = _step(path.case_id, "case.verify")
    to = steps.verify(s, path.case_id, body.passed, caller.name, body.note)
    return _done(s, path.case_id, "case.verify", {"passed": body.passed, "to": to})


@answers(Case)
@api.post("/cases/<int:case_id>/supervise")
def post_supervise(path: CasePath, body: SuperviseIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """督办: the case carries the level and its own deadline until it is closed."""
    caller, s = _step(path.case_id, "case.supervise")
    steps.supervise(s, path.case_id, body.level, body.due, caller.name, body.note)
    return _done(s, path.case_id, "case.supervise", {"level": body.level})


@answers(Case)
@api.post("/cases/<int:case_id>/park")
def post_park(path: CasePath, body: ParkIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """挂账: a case needing capital works waits, its clock stopped, until review_on."""
    caller, s = _step(path.case_id, "case.park")
    steps.park(s, path.case_id, body.reason, body.review_on, caller.name)
    return _done(s, path.case_id, "case.park", {"reason": body.reason})


class ExtensionIn(Body):
    hours: float = Field(gt=0, le=720, description="more hours, on the category's clock")
    reason: str = Field(min_length=1, max_length=500)


class DecisionIn(Body):
    approved: bool
    note: str | None = Field(None, max_length=500)


@answers(Case)
@api.post("/cases/<int:case_id>/extension")
def post_extension(path: CasePath, body: ExtensionIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """延期: the unit handling the case (its grid's worker, its department) asks for more time;
    whoever dispatched it is told and answers."""
    caller, s = _step(path.case_id, "case.transition")
    steps.ask_extension(s, path.case_id, body.hours, body.reason, caller.name)
    return _done(s, path.case_id, "case.extension", {"hours": body.hours})


@answers(Case)
@api.post("/cases/<int:case_id>/extension/decision")
def post_extension_decision(path: CasePath, body: DecisionIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """The dispatcher's answer to a 延期: approved, the hours move the due and warning times."""
    caller, s = _step(path.case_id, "case.dispatch")
    steps.decide_extension(s, path.case_id, body.approved, caller.name, body.note)
    return _done(s, path.case_id, "case.extension_decision", {"approved": body.approved})


class UnitsQuery(Schema):
    kind: UnitKind | None = None
    area: str | None = Field(None, max_length=40, description="serving inside it, or holding it")


@answers(list[Unit])
@api.get("/units")
def get_units(query: UnitsQuery, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """The handling units (处置单位) cases are dispatched to."""
    allow("units")
    return jsonify(list_units(get_read_session(), query.kind, query.area))


class InboxQuery(Schema):
    unread: bool = False
    limit: int = Field(50, ge=1, le=500)


class ReadIn(Body):
    ids: list[WholeId] | None = Field(None, max_length=500, description="none: every notice")


@answers(dict[str, Any])
@api.get("/inbox")
def get_inbox(query: InboxQuery, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """The caller's notices (its own and its units'), newest first, with the unread count."""
    caller = allow("locate")  # every signed-in role has an inbox
    assert caller.account is not None
    s = get_read_session()
    return jsonify(inbox(s, caller.account.id, caller.account.areas, query.unread, query.limit))


@answers(dict[str, int])
@api.post("/inbox/read")
def post_inbox_read(body: ReadIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """Mark notices read (these ids, or all)."""
    caller = allow("locate")
    assert caller.account is not None
    s = get_session()
    n = mark_read(s, caller.account.id, caller.account.areas, body.ids)
    s.commit()
    return jsonify({"read": n})


class MediaForm(Body):
    stage: Literal["report", "handling", "verify"] = Field(
        description="report (上报), handling (处置), verify (核查)"
    )
    file: FileStorage = Field(description="a JPEG, PNG or WebP photo, at most 10 MB")


@answers(dict[str, Any], created=Answer(dict[str, Any], "Created"))
@api.post("/cases/<int:case_id>/media")
def post_media(path: CasePath, form: MediaForm, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """A photo of the case at a stage, by anyone who reads it (its grid's worker, its unit,
    staff …); checked by its content (JPEG, PNG, WebP; 10 MB; 9 a stage). Its EXIF position is
    kept for staff as the photo's place and is in no copy served to anyone else."""
    caller, s = _step(path.case_id, "case.read")
    data = form.file.stream.read(MAX_BYTES + 1)
    added = add_photo(s, path.case_id, form.stage, data, caller.name)
    audit_caller(s, "case.media", target=f"case:{path.case_id}", detail={"stage": form.stage})
    s.commit()
    resp = jsonify({**added, "url": f"/api/v1/media/{added['sha256']}"})
    resp.status_code = 201
    return resp


@answers(list[dict[str, Any]])
@api.get("/cases/<int:case_id>/media")
def get_media(path: CasePath, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """A case's photos by stage; each photo's EXIF place only to the roles that see personal
    data (geo/access.py PERSONAL)."""
    caller = current_caller()
    s = get_read_session()
    full = case_view(caller, *case_place(s, path.case_id))
    return jsonify(case_photos(s, path.case_id, with_place=full))


class MediaPath(Schema):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


def _photo(sha256: str, thumb: bool) -> Any:
    s = get_read_session()
    if current_caller().account is None and not is_report_photo(s, sha256):
        raise NotAuthenticated("请先登录（公开的只有上报照片）")
    found = public_copy(s, sha256, thumb)
    if found is None:
        raise NotFound("没有这张照片")
    body, mime = found
    resp = Response(body, mimetype=mime)
    resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # by content
    return resp


@answers(ok=Answer(None, media={"image/jpeg": bytes, "image/png": bytes, "image/webp": bytes}))
@api.get("/media/<sha256>")
def get_photo(path: MediaPath):  # type: ignore[no-untyped-def]
    """A photo's public copy, with no metadata (no position): a report's photo to anyone who
    has its address (Open311's media_url), the others to signed-in callers."""
    return _photo(path.sha256, thumb=False)


@answers(ok=Answer(None, media={"image/jpeg": bytes}))
@api.get("/media/<sha256>/thumb")
def get_thumb(path: MediaPath):  # type: ignore[no-untyped-def]
    """A photo's thumbnail (at most 320 px, JPEG, no metadata)."""
    return _photo(path.sha256, thumb=True)
