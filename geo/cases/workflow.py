"""Cases: intake with idempotency, possible duplicates, lifecycle, and masking on output.

Functions take the session first and never commit; the caller owns the transaction. Errors
are domain errors (geo/errors.py); the statuses and their moves are geo/vocabulary.py's.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geo.assign import assignment_dict, locate
from geo.cases.answers import Case
from geo.cases.notices import notify
from geo.cases.partitions import in_months
from geo.db import driver
from geo.errors import Conflict, NotFound, Unprocessable
from geo.points import to_wgs84_point
from geo.settings import Settings
from geo.sql.loader import query
from geo.vocabulary import STATUS_LABELS, TRANSITIONS


def _q(name: str) -> Any:
    return text(query("cases/cases", name))


@dataclass(frozen=True)
class NewCase:
    lon: float
    lat: float
    crs: str
    category: str
    description: str
    address: str | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    source: str = "api"

    def fingerprint(self) -> str:
        return hashlib.sha256(
            json.dumps(self.__dict__, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()


def mask_phone(phone: str | None) -> str | None:
    """138****1234: a number of 11 digits or more keeps its first three and last four digits;
    a shorter one (a landline, an extension) shows none, as any seven would be most of it."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 11 else "****"


def mask_name(name: str | None) -> str | None:
    """张** : the surname stays."""
    return None if not name else name[0] + "*" * max(1, len(name) - 1)


@dataclass(frozen=True)
class Intake:
    id: int
    created: bool  # False: a retry with the same Idempotency-Key returned the first case
    duplicates: list[dict[str, Any]]  # possible duplicates, nearest first


def create_case(
    session: Session,
    settings: Settings,
    new: NewCase,
    idempotency_key: str | None = None,
    scope: str = "",
    actor: str | None = None,
) -> Intake:
    """Insert a case with its assignment (settings: snap distance, duplicate radius and
    window); its first event names the account that reported it (actor), else its source. A
    retry with the same key from the same caller (scope: geo/access.py) returns the first case
    (created False); the same key with another request is Unprocessable. Another caller's key
    of the same text is theirs, not this one's."""
    lon, lat = to_wgs84_point(new.lon, new.lat, new.crs)
    key = {"key": idempotency_key, "scope": scope}
    if idempotency_key:
        found = session.execute(_q("by_key"), key).one_or_none()
        if found is not None:
            return _replay(session, settings, found, new, lon, lat)
    a = locate(driver(session), lon, lat, settings.snap_distance_m).row
    params = {
        "received_lon": new.lon,
        "received_lat": new.lat,
        "received_crs": new.crs,
        "lon": lon,
        "lat": lat,
        "category": new.category,
        "description": new.description,
        "address": new.address,
        "reporter_name": new.reporter_name,
        "reporter_phone": new.reporter_phone,
        "source": new.source,
        "grid_code": a.grid_code,
        "rule": a.rule,
        "outside": a.outside,
        "distance_m": a.distance_m,
        "community_code": a.community_code,
        "street_code": a.street_code,
        "worker_id": a.worker_id,
        "zone_kind": a.zone_kind,
        "zone_code": a.zone_code,
        "party_org_code": a.party_org_code,
        "residential_building_code": a.residential_building_code,
        "stairwell_branch_code": a.stairwell_branch_code,
        "idempotency_key": idempotency_key,
        "scope": scope,
        "request_hash": new.fingerprint(),
    }
    try:
        case_id = in_months(
            session, lambda: session.execute(_q("insert"), params).scalar_one_or_none()
        )
    except IntegrityError as e:
        if not (idempotency_key and _constraint(e) == "ix_case_keys_idempotency"):
            raise
        # a concurrent request with the same key won the race
        return _replay(session, settings, session.execute(_q("by_key"), key).one(), new, lon, lat)
    if case_id is None:
        raise Unprocessable(f"未知的案件类别「{new.category}」")
    dups = possible_duplicates(session, settings, case_id, lon, lat, new.category)
    record_event(
        session,
        case_id,
        actor or new.source,
        "created",
        None,
        "reported",
        None,
        {"possible_duplicates": [d["id"] for d in dups]},
    )
    record_event(
        session,
        case_id,
        "system",
        "transition",
        "reported",
        "assigned",
        f"按规则({a.rule})派至{a.grid_name}",
        None,
    )
    return Intake(case_id, True, dups)


def _constraint(e: IntegrityError) -> str | None:
    diag = getattr(e.orig, "diag", None)
    return None if diag is None else diag.constraint_name


def _replay(
    session: Session, settings: Settings, found: Any, new: NewCase, lon: float, lat: float
) -> Intake:
    """A retry: the first case under this key, if the request is the same."""
    if found.request_hash != new.fingerprint():
        raise Unprocessable("该 Idempotency-Key 已用于另一请求")
    first = int(found.id)
    dups = possible_duplicates(session, settings, first, lon, lat, new.category)
    return Intake(first, False, dups)


def possible_duplicates(
    session: Session,
    settings: Settings,
    case_id: int,
    lon: float,
    lat: float,
    category: str,
    with_text: bool = False,
) -> list[dict[str, Any]]:
    """Open cases of the same category within settings.duplicate_radius_m (geodesic) and
    settings.duplicate_window_h hours, nearest first, at most 5 (with_text: their
    descriptions too, for a reader of cases)."""
    rows = session.execute(
        _q("duplicates"),
        {
            "lon": lon,
            "lat": lat,
            "category": category,
            "exclude": case_id,
            "radius_m": settings.duplicate_radius_m,
            "window_h": settings.duplicate_window_h,
        },
    )
    return [
        {
            "id": r.id,
            "status": r.status,
            "distance_m": r.distance_m,
            "created_at": r.created_at.isoformat(),
            **({"description": r.description} if with_text else {}),
        }
        for r in rows
    ]


def transition(session: Session, case_id: int, to: str, actor: str, note: str | None = None) -> str:
    """Move a case to `to` if the lifecycle allows it; return the previous status."""
    current = session.execute(_q("lock"), {"id": case_id}).scalar_one_or_none()
    if current is None:
        raise NotFound(f"没有编号为 {case_id} 的案件")
    if to not in TRANSITIONS:
        raise Unprocessable(f"未知状态「{to}」，可选：{'、'.join(TRANSITIONS)}")
    allowed = TRANSITIONS[current]
    if to not in allowed:
        nxt = "、".join(allowed) or "无（终态）"
        raise Conflict(f"案件不能从 {current} 转为 {to}；可转为：{nxt}")
    if current == "resolved" and to == "closed":  # closing is the verification (核查)
        check_verifier(session, case_id, actor)
    if to == "refused" and not (note or "").strip():
        raise Unprocessable("不予立案须说明理由（note），上报人可见")
    if to == "resolved" and session.execute(_q("photo_missing"), {"id": case_id}).scalar():
        raise Unprocessable(
            "该类别办结须先上传处置照片（POST /api/v1/cases/{id}/media，stage=handling）"
        )
    session.execute(_q("move"), {"id": case_id, "to": to})
    if current == "parked":  # the clock stood still while it was parked: its times move on
        session.execute(_q("unpark"), {"id": case_id})
    record_event(session, case_id, actor, "transition", current, to, note, None)
    _tell(session, case_id, to, note)
    return str(current)


def check_verifier(session: Session, case_id: int, actor: str) -> str | None:
    """A resolved case is verified by someone other than whoever resolved it (409 otherwise);
    returns the resolver."""
    resolver = session.execute(_q("resolver"), {"id": case_id}).scalar_one_or_none()
    if resolver == actor:
        raise Conflict("核查须由处置人以外的人进行：您办结了此案件")
    return None if resolver is None else str(resolver)


def _tell(session: Session, case_id: int, to: str, note: str | None) -> None:
    """The notices a move writes: a resolved case to its grid's verifier, a returned one to
    whoever dispatched it, rework (resolved back to accepted) to its unit."""
    row = session.execute(_q("told"), {"id": case_id}).one()
    if to == "resolved" and row.grid_code:
        notify(session, "resolved", case_id, unit=f"U{row.grid_code}WG", detail={"note": note})
    elif to == "returned" and row.dispatcher:
        notify(session, "returned", case_id, account=row.dispatcher, detail={"note": note})


def record_event(
    session: Session,
    case_id: int,
    actor: str,
    kind: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
    data: dict[str, Any] | None,
) -> None:
    session.execute(
        _q("event"),
        {
            "id": case_id,
            "actor": actor,
            "kind": kind,
            "from_status": from_status,
            "to_status": to_status,
            "note": note,
            "data": None if data is None else json.dumps(data, ensure_ascii=False),
        },
    )


class CasePlace(NamedTuple):
    """Where a case is, for the access decisions (geo/access.py): its grid, zone and unit."""

    grid_code: str | None
    zone_code: str | None
    unit_code: str | None


def case_place(session: Session, case_id: int) -> CasePlace:
    """A case's grid and zone codes and unit (NotFound if there is no such case)."""
    row = session.execute(_q("place"), {"id": case_id}).one_or_none()
    if row is None:
        raise NotFound(f"没有编号为 {case_id} 的案件")
    return CasePlace(row.grid_code, row.zone_code, row.unit_code)


def case_places(session: Session, ids: list[int]) -> dict[int, CasePlace]:
    """Where each of these cases that is live is (an archived one has no place)."""
    rows = session.execute(_q("places"), {"ids": ids})
    return {int(r.id): CasePlace(r.grid_code, r.zone_code, r.unit_code) for r in rows}


def get_case(session: Session, case_id: int, full_reporter: bool = False) -> Case | None:
    """The case as the API shows it; reporter masked unless full_reporter."""
    r = session.execute(_q("get"), {"id": case_id}).one_or_none()
    if r is None:
        return None
    name, phone = r.reporter_name, r.reporter_phone
    if not full_reporter:
        name, phone = mask_name(name), mask_phone(phone)
    events = session.execute(_q("events"), {"id": case_id})
    return {
        "id": r.id,
        "version": f"e{r.version}",
        "public_token": r.public_token,
        "status": r.status,
        "status_label": STATUS_LABELS[r.status],
        "category": {
            "code": r.category_code,
            "name": r.category_name,
            "sla_hours": r.sla_hours,
            "dispatch_hours": r.dispatch_hours,
            "kind": r.category_kind,
            "group": {"code": r.group_code, "name": r.group_name},
            "national_code": r.national_code,
        },
        "description": r.description,
        "address": r.address,
        "source": r.source,
        "reporter": {"name": name, "phone": phone},
        "received": {"lon": r.received_lon, "lat": r.received_lat, "crs": r.received_crs},
        "assignment": assignment_dict(r, r.lon, r.lat),
        "created_at": r.created_at.isoformat(),
        "updated_at": r.updated_at.isoformat(),
        "due_at": r.due_at.isoformat() if r.due_at else None,
        "dispatch": {
            "due_at": r.dispatch_due_at.isoformat() if r.dispatch_due_at else None,
            "at": r.dispatched_at.isoformat() if r.dispatched_at else None,
            "on_time": (
                r.dispatched_at <= r.dispatch_due_at
                if r.dispatched_at and r.dispatch_due_at
                else None
            ),
        },
        "closed_at": r.closed_at.isoformat() if r.closed_at else None,
        "overdue": bool(r.overdue),
        "warning": r.warning,
        "unit": {"code": r.unit_code, "name": r.unit_name} if r.unit_code else None,
        "rework_count": r.rework_count,
        "extension_hours": r.extension_hours,
        "supervision": (
            {
                "level": r.supervision_level,
                "due": r.supervision_due.isoformat() if r.supervision_due else None,
            }
            if r.supervision_level
            else None
        ),
        "parked": (
            {
                "reason": r.parked_reason,
                "review_on": r.parked_review_on.isoformat() if r.parked_review_on else None,
            }
            if r.status == "parked"
            else None
        ),
        "events": [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "kind": e.kind,
                "from": e.from_status,
                "to": e.to_status,
                "note": e.note,
            }
            for e in events
        ],
    }
