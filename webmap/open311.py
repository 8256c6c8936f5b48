"""Open311 GeoReport v2 under /open311/v2/ (JSON and XML), over the same cases as the JSON API.

Errors are domain errors; webmap/errors.py answers them in Open311's `[{code, description}]`."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import text

from geo.cases.media import MAX_BYTES, add_report_photos
from geo.cases.workflow import NewCase, create_case
from geo.errors import BadInput, NotFound
from geo.geocode import find_places
from geo.reference import categories, category_exists, service_requests
from geo.vocabulary import PUBLIC_STATUS_NOTES
from webmap.api.cases import source_for
from webmap.auth import audit_caller, current_caller
from webmap.db import get_session, get_settings
from webmap.metrics import CASES
from webmap.schemas import ADDRESS_MAX, CaseIn

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
MAX_RESULTS = 1000


def _out(data: Any, fmt: str, root: str, item: str, status: int = 200) -> Response:
    if fmt == "json":
        resp = jsonify(data)
        resp.status_code = status
        return resp
    top = ET.Element(root)
    for obj in data:
        el = ET.SubElement(top, item)
        for k, v in obj.items():
            child = ET.SubElement(el, k)
            child.text = "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v))
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
    return Response(body, status=status, mimetype="text/xml")


def _fmt(fmt: str) -> str | None:
    return fmt if fmt in ("json", "xml") else None


@bp.get("/services.<fmt>")
def services(fmt: str) -> Response:
    if not _fmt(fmt):
        raise NotFound(f"未知格式「{fmt}」；请用 json 或 xml")
    rows = categories(get_session())
    data = [
        {
            "service_code": r.code,
            "service_name": r.name,
            "description": f"{r.name}（{r.group_name}，处置时限 {r.sla_hours} 小时）",
            "metadata": False,
            "type": "realtime",
            "keywords": r.group_name,
            "group": r.group_name,
        }
        for r in rows
    ]
    return _out(data, fmt, "services", "service")


@bp.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str) -> Response:
    if not _fmt(fmt):
        raise NotFound(f"未知格式「{fmt}」；请用 json 或 xml")
    if not category_exists(get_session(), code):
        raise NotFound(f"没有 service_code「{code}」")
    if fmt == "json":
        return jsonify({"service_code": code, "attributes": []})
    top = ET.Element("service_definition")
    ET.SubElement(top, "service_code").text = code
    ET.SubElement(top, "attributes")
    return Response(
        b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8"),
        mimetype="text/xml",
    )


def _num(name: str) -> float | None:
    raw = request.form.get(name)
    if raw in (None, ""):
        return None
    value = float(raw)  # ValueError handled by the caller
    if not math.isfinite(value):
        raise ValueError(name)
    return value


@bp.post("/requests.<fmt>")
def post_request(fmt: str) -> Response:
    if not _fmt(fmt):
        raise NotFound(f"未知格式「{fmt}」；请用 json 或 xml")
    # Anyone may report (a public form) or a client with its api_key; an Idempotency-Key
    # header makes retries safe, scoped to the caller like the JSON API's.
    caller = current_caller()
    s = get_session()
    code = request.form.get("service_code", "").strip()
    if not code or not category_exists(s, code):
        raise BadInput(f"service_code「{code}」缺失或未开放")
    try:
        lat, lon = _num("lat"), _num("long")
    except ValueError:
        raise BadInput("lat 和 long 须为数字（WGS84 度）") from None
    address = request.form.get("address_string") or None
    if address is not None and len(address) > ADDRESS_MAX:  # before it is matched to places
        raise BadInput(f"address_string 至多 {ADDRESS_MAX} 个字符")
    if lat is None or lon is None:
        if not address:
            raise BadInput("请给出 lat 和 long（WGS84），或 address_string")
        places = find_places(s, address, 1)
        if not places:
            raise BadInput(f"找不到地址「{address}」；请给出 lat 和 long")
        lon, lat = places[0]["lon"], places[0]["lat"]
    name = " ".join(p for p in (request.form.get("last_name"), request.form.get("first_name")) if p)
    desc = (request.form.get("description") or "").strip() or "（无描述）"
    # The JSON API's schema, so its field limits hold on this way in too (a 400 naming them).
    body = CaseIn.model_validate(
        {
            "lon": lon,
            "lat": lat,
            "category": code,
            "description": desc[:2000],
            "address": address,
            "reporter": {"name": name or None, "phone": request.form.get("phone") or None},
        }
    )
    new = NewCase(
        lon=body.lon,
        lat=body.lat,
        crs="wgs84",
        category=body.category,
        description=body.description,
        address=body.address,
        reporter_name=body.reporter.name if body.reporter else None,
        reporter_phone=body.reporter.phone if body.reporter else None,
        source=source_for(caller.role, "open311"),
    )
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and (len(key) > 200 or not key.isprintable()):
        raise BadInput("Idempotency-Key 至多 200 个可打印字符")
    if request.form.get("media_url"):  # fetched from elsewhere by this server: never
        raise BadInput("不从其他网址取照片：请以 multipart/form-data 的 media 文件上传")
    photos = [f.stream.read(MAX_BYTES + 1) for f in request.files.getlist("media")]
    intake = create_case(s, get_settings(), new, key, caller.scope)
    if intake.created:
        add_report_photos(s, intake.id, photos, caller.name)  # a photo refused: no case
        audit_caller(s, "case.create", target=f"case:{intake.id}", detail={"via": "open311"})
    token = s.execute(
        text("SELECT public_token FROM cases WHERE id = :i"), {"i": intake.id}
    ).scalar_one()
    s.commit()
    CASES.labels("open311").inc()
    return _out(
        [
            {
                "service_request_id": token,
                "service_notice": "已受理，已派至所属网格",
                "account_id": None,
            }
        ],
        fmt,
        "service_requests",
        "request",
        201,
    )


def _token(text: str) -> str:
    """A service request id: a case's public token (32 hex digits), unguessable, unlike the
    sequential case id, so a stranger cannot walk through the cases; anything else names
    none."""
    text = text.strip()
    if len(text) != 32 or not all(c in "0123456789abcdef" for c in text):
        raise NotFound(f"没有服务请求「{text[:40]}」")
    return text


def _iso(d: datetime | None) -> str | None:
    return None if d is None else d.astimezone(UTC).isoformat().replace("+00:00", "Z")


W3C_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?")


def _parse_date(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not W3C_TIME.fullmatch(raw):  # a date, or a date and time with its offset (RFC 3339)
        raise ValueError(raw)
    d = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def _requests(fmt: str, tokens: list[str] | None) -> Response:
    try:
        end = _parse_date("end_date") or datetime.now(UTC)
        start = _parse_date("start_date") or end - timedelta(days=90)
    except ValueError:
        raise BadInput("start_date 和 end_date 须为 W3C 时间（ISO 8601）") from None
    status = request.args.get("status") or None
    if status not in (None, "open", "closed"):
        raise BadInput("status 须为 open 或 closed")
    codes = None
    if request.args.get("service_code") is not None:
        codes = request.args["service_code"].split(",")
        unknown = [c for c in codes if not category_exists(get_session(), c)]
        if unknown:
            raise BadInput(f"service_code「{'、'.join(unknown)}」未开放")
    if tokens is None and request.args.get("service_request_id"):
        tokens = [_token(t) for t in request.args["service_request_id"].split(",")]
    if tokens is not None:  # explicit ids are not limited by the default date window
        start, end = datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)
    rows = service_requests(
        get_session(),
        tokens=tokens,
        codes=codes,
        start=start,
        end=end,
        open_only=None if status is None else status == "open",
        limit=MAX_RESULTS,
    )
    data = [
        {
            "service_request_id": r.public_token,
            "status": "open" if r.open else "closed",
            # never a staff note; the reason a case was refused is written for its reporter
            "status_notes": PUBLIC_STATUS_NOTES[r.status] + (f"：{r.refusal}" if r.refusal else ""),
            "service_name": r.service_name,
            "service_code": r.category_code,
            "description": r.description,
            "agency_responsible": r.grid_name,
            "service_notice": None,
            "requested_datetime": _iso(r.created_at),
            "updated_datetime": _iso(r.updated_at),
            "expected_datetime": _iso(r.due_at),
            "address": r.address,
            "address_id": None,
            "zipcode": None,
            "lat": round(r.lat, 7),
            "long": round(r.lon, 7),
            # the report's photo, its public copy (no EXIF: no position)
            "media_url": f"{request.host_url}api/v1/media/{r.photo}" if r.photo else None,
        }
        for r in rows
    ]
    return _out(data, fmt, "service_requests", "request")


@bp.get("/requests.<fmt>")
def list_requests(fmt: str) -> Response:
    if not _fmt(fmt):
        raise NotFound(f"未知格式「{fmt}」；请用 json 或 xml")
    return _requests(fmt, None)


@bp.get("/requests/<rid>.<fmt>")
def one_request(rid: str, fmt: str) -> Response:
    if not _fmt(fmt):
        raise NotFound(f"未知格式「{fmt}」；请用 json 或 xml")
    resp = _requests(fmt, [_token(rid)])
    if fmt == "json" and resp.get_json() == []:
        raise NotFound(f"没有服务请求 {rid}")
    if fmt == "xml" and b"<request>" not in resp.get_data():
        raise NotFound(f"没有服务请求 {rid}")
    return resp
