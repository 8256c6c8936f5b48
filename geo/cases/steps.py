"""The command centre's steps on a case (GB/T 30428): 立案 or 不予立案, 派遣 to a unit, 核查 by
someone other than whoever did the work (failed: rework), 督办, 挂账. Each step is one case
event with who, when and a note, and writes its notices in the same transaction (an outbox:
nothing is told that did not happen, nothing that happened goes untold).

Functions take the session first and never commit. Who may take a step is geo/access.py's;
the rules of the case itself (its state, the verifier's independence) are here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.notices import notify
from geo.cases.units import get_unit, suggest_unit
from geo.cases.workflow import check_verifier, record_event, transition
from geo.errors import Conflict, NotFound, Unprocessable
from geo.sql.loader import query
from geo.vocabulary import OPEN_STATUSES, STATUS_LABELS

DISPATCHABLE = ("reported", "registered", "returned", "assigned", "parked")


def _q(name: str) -> Any:
    return text(query("cases/steps", name))


def _lock(session: Session, case_id: int) -> Any:
    row = session.execute(_q("lock"), {"id": case_id}).one_or_none()
    if row is None:
        raise NotFound(f"没有编号为 {case_id} 的案件")
    return row


def register(session: Session, case_id: int, actor: str, note: str | None) -> None:
    """立案: the report meets its category's conditions; it waits for dispatch."""
    transition(session, case_id, "registered", actor, note)


def refuse(session: Session, case_id: int, actor: str, reason: str) -> None:
    """不予立案, with the reason the reporter reads (Open311's status notes)."""
    transition(session, case_id, "refused", actor, reason)


def dispatch(session: Session, case_id: int, unit: str | None, actor: str, note: str | None) -> str:
    """派遣: send the case to a unit (by default the one suggest_unit names); return its code.
    A case already dispatched goes to the new unit (改派)."""
    row = _lock(session, case_id)
    if row.status not in DISPATCHABLE:
        raise Conflict(f"案件{STATUS_LABELS[row.status]}，不能派遣")
    unit = unit or suggest_unit(session, case_id)
    if unit is None:
        raise Unprocessable("没有可派遣的处置单位：请指定 unit（见 /api/v1/units）")
    name = get_unit(session, unit)["name"]
    session.execute(_q("dispatch"), {"id": case_id, "unit": unit})
    data = {"unit": unit, "unit_name": name, "from_unit": row.unit_code}
    record_event(session, case_id, actor, "dispatch", row.status, "assigned", note, data)
    notify(session, "dispatched", case_id, unit=unit, detail={"unit_name": name, "note": note})
    return unit


def verify(session: Session, case_id: int, passed: bool, actor: str, note: str | None) -> str:
    """核查 a resolved case, by someone other than its resolver: passed, it is closed; failed,
    it goes back to its unit as rework (rework_count + 1). Returns the new status."""
    row = _lock(session, case_id)
    if row.status != "resolved":
        raise Conflict(f"案件{STATUS_LABELS[row.status]}，只有已办结（待核查）的案件可以核查")
    resolver = check_verifier(session, case_id, actor)
    to = "closed" if passed else "accepted"
    session.execute(_q("verify"), {"id": case_id, "to": to, "rework": not passed})
    data = {"passed": passed, "resolver": resolver}
    record_event(session, case_id, actor, "verify", "resolved", to, note, data)
    if not passed and row.unit_code:
        notify(session, "rework", case_id, unit=row.unit_code, detail={"note": note})
    return to


def supervise(
    session: Session, case_id: int, level: int, due: datetime, actor: str, note: str | None
) -> None:
    """督办: an open case carries its level (1-3) and its own deadline until it is closed; its
    unit and that unit's supervisor (the office of the case's street) hear of it."""
    row = _lock(session, case_id)
    if row.status not in OPEN_STATUSES:
        raise Conflict(f"案件{STATUS_LABELS[row.status]}，不能督办")
    if row.supervision_level and level < row.supervision_level:
        raise Conflict(f"案件已是 {row.supervision_level} 级督办，不能降级")
    session.execute(_q("supervise"), {"id": case_id, "level": level, "due": due})
    data = {"level": level, "due": due.isoformat()}
    record_event(session, case_id, actor, "supervise", row.status, row.status, note, data)
    detail = {"level": level, "due": due.isoformat(), "note": note}
    office = f"U{row.street_code}JD" if row.street_code else None  # the unit's supervisor
    for unit in dict.fromkeys(u for u in (row.unit_code, office) if u):
        notify(session, "supervised", case_id, unit=unit, detail=detail)


def ask_extension(session: Session, case_id: int, hours: float, reason: str, actor: str) -> None:
    """延期: the unit handling a case asks for more time; whoever dispatched it is told."""
    row = _lock(session, case_id)
    if row.status not in ("assigned", "accepted"):
        raise Conflict(f"案件{STATUS_LABELS[row.status]}，不能申请延期")
    if row.extension_hours is not None:
        raise Conflict(f"已有一项 {row.extension_hours:g} 小时的延期申请待批")
    session.execute(_q("ask_extension"), {"id": case_id, "hours": hours})
    record_event(
        session, case_id, actor, "extension", row.status, row.status, reason, {"hours": hours}
    )
    told = session.execute(text(query("cases/cases", "told")), {"id": case_id}).one()
    if told.dispatcher:
        notify(
            session,
            "extension",
            case_id,
            account=told.dispatcher,
            detail={"hours": hours, "reason": reason},
        )


def decide_extension(
    session: Session, case_id: int, approved: bool, actor: str, note: str | None
) -> None:
    """The dispatcher's answer to a 延期: approved, the hours are added to the case's due and
    warning times on its category's clock; either way the unit is told."""
    row = _lock(session, case_id)
    if row.extension_hours is None:
        raise Conflict("没有待批的延期申请")
    session.execute(_q("decide_extension"), {"id": case_id, "approved": approved})
    data = {"hours": row.extension_hours, "approved": approved}
    record_event(session, case_id, actor, "extension_decision", row.status, row.status, note, data)
    if row.unit_code:
        detail = {"hours": row.extension_hours, "approved": approved, "note": note}
        notify(session, "extension", case_id, unit=row.unit_code, detail=detail)


def park(session: Session, case_id: int, reason: str, review_on: date, actor: str) -> None:
    """挂账: a case that needs capital works waits, its clock stopped, to be looked at again
    on review_on."""
    transition(session, case_id, "parked", actor, reason)
    session.execute(_q("park"), {"id": case_id, "reason": reason, "review": review_on})
