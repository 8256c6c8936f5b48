"""Deliberation meetings (issue #17): 红茶议事会, 小区说事亭, 三和楼事会 … at a place.

A meeting is scheduled, then decided (decisions, an outcome, follow-up actions with an owner and
a due date), then closed when its last action is done. A case put on its agenda (议题) is
taken up (受理) if it was only dispatched; the decision is written into the case's trail, and
when the meeting closes each case on its agenda is resolved and closed by it — every step an
event of the case ("小事快办、急事速议、难事共推").
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.workflow import record_event, transition
from geo.errors import Conflict, Forbidden, NotFound, Unprocessable
from geo.meetings.answers import Meeting, MeetingCounts, MeetingSummary
from geo.meetings.words import (
    MEETING_OUTCOMES,
    MEETING_SIDES,
    MEETING_STATUSES,
    PLACE_MEETING_KINDS,
    TOPIC_CLASSES,
)
from geo.sql.loader import query
from geo.vocabulary import STATUS_LABELS


def _q(name: str) -> Any:
    return text(query("meetings/meetings", name))


def create_meeting(session: Session, m: dict[str, Any], actor: str) -> int:
    """A scheduled meeting; m has kind, place_kind, place_code, held_on, topic, topic_class,
    participants ({side: count})."""
    place = {"kind": m["place_kind"], "code": m["place_code"]}
    if session.execute(_q("place"), place).scalar() is None:
        raise Unprocessable(f"没有编码为 {m['place_code']} 的议事地点（{m['place_kind']}）")
    unknown = set(m.get("participants") or {}) - set(MEETING_SIDES)
    if unknown:
        raise Unprocessable(
            f"未知参与方 {'、'.join(sorted(unknown))}，可选：{'、'.join(MEETING_SIDES)}"
        )
    row = {**m, "participants": json.dumps(m.get("participants") or {}), "actor": actor}
    return int(session.execute(_q("insert"), row).scalar_one())


def _lock(session: Session, meeting_id: int) -> Any:
    row = session.execute(_q("lock"), {"id": meeting_id}).one_or_none()
    if row is None:
        raise NotFound(f"没有编号为 {meeting_id} 的议事会")
    return row


def place_of(session: Session, meeting_id: int) -> str:
    """The code of the place a meeting is tied to (for the caller's area check)."""
    row = session.execute(_q("get"), {"id": meeting_id}).one_or_none()
    if row is None:
        raise NotFound(f"没有编号为 {meeting_id} 的议事会")
    return str(row.place_code)


# Asked before every move a meeting makes of a case (case id, status it moves to); raises if the
# caller may not make it: a meeting is no side door past the case rules (geo/access.py may_move).
Mover = Callable[[int, str], None]


def add_to_agenda(
    session: Session, meeting_id: int, case_id: int, actor: str, may_move: Mover
) -> None:
    """Put an open case on a meeting's agenda before it decides; a dispatched case is taken up
    (if the caller may take it up)."""
    m = _lock(session, meeting_id)
    if m.status != "scheduled":
        raise Conflict(
            f"议事会 {meeting_id} {MEETING_STATUSES.get(m.status, m.status)}，议题已截止"
        )
    status = session.execute(
        text("SELECT status FROM cases WHERE id = :id"), {"id": case_id}
    ).scalar()
    if status is None:
        raise NotFound(f"没有编号为 {case_id} 的案件")
    if status in ("resolved", "closed", "duplicate"):
        raise Conflict(f"案件 {case_id} 状态为 {status}：只有在办案件可列入议题")
    if status == "assigned":
        may_move(case_id, "accepted")
    if (
        session.execute(
            _q("add_agenda"), {"id": meeting_id, "case_id": case_id, "actor": actor}
        ).scalar()
        is None
    ):
        return  # already on it
    note = f"列入{m.kind}议题（{m.held_on}）：{m.topic}"
    record_event(session, case_id, actor, "agenda", None, None, note, {"meeting_id": meeting_id})
    if status == "assigned":
        transition(session, case_id, "accepted", actor, "列入议题，已受理")


PROPOSED_IN_DAYS = 7  # a meeting scheduled for a proposal, when its place has none
DONE = ("resolved", "closed", "duplicate", "refused")  # no longer a topic


def proposal_place(session: Session, case_ids: list[int]) -> dict[str, Any]:
    """Where a recurring place (事件预警) may be talked over: the compound, open block, business
    community or building most of its cases lie in (ties: the first in code order), with
    its cases. 404 for a case not held, 422 when none lies in such a place."""
    rows = session.execute(_q("proposal_cases"), {"ids": case_ids}).all()
    missing = sorted(set(case_ids) - {r.id for r in rows})
    if missing:
        raise NotFound(f"没有编号为 {'、'.join(map(str, missing))} 的案件")
    placed = Counter((r.zone_kind, r.zone_code) for r in rows if r.zone_kind in PLACE_MEETING_KINDS)
    if not placed:
        raise Unprocessable("这些案件不在任何小区、街区或楼宇内：没有可以议事的地点")
    (kind, code), _ = min(placed.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"kind": kind, "code": code, "cases": rows}


def propose(
    session: Session,
    place: dict[str, Any],
    actor: str,
    may_move: Mover,
    today: date,
) -> dict[str, Any]:
    """A recurring place as a topic of its place's next 议事会 (one click on the cockpit): the
    next meeting scheduled there, or, with none, one of the place's kind (PLACE_MEETING_KINDS)
    scheduled PROPOSED_IN_DAYS on; its open cases go on the agenda (taken up where only
    dispatched, if the caller may). What could not be added is said, case by case."""
    rows = place["cases"]
    found = session.execute(
        _q("next_meeting"), {"kind": place["kind"], "code": place["code"], "today": today}
    ).scalar()
    created = found is None
    if found is None:
        category = Counter(r.category for r in rows).most_common(1)[0][0]
        found = create_meeting(
            session,
            {
                "kind": PLACE_MEETING_KINDS[place["kind"]],
                "place_kind": place["kind"],
                "place_code": place["code"],
                "held_on": today + timedelta(days=PROPOSED_IN_DAYS),
                "topic": f"{category}反复发生（事件预警：{len(rows)} 件）",
                "topic_class": category if category in TOPIC_CLASSES else "其他",
                "participants": {},
            },
            actor,
        )
    added, skipped = [], []
    for r in sorted(rows, key=lambda r: r.id):
        if r.status in DONE:
            skipped.append({"case_id": r.id, "reason": f"{STATUS_LABELS[r.status]}，不再议"})
            continue
        try:
            with session.begin_nested():
                add_to_agenda(session, found, r.id, actor, may_move)
        except (Forbidden, Conflict) as e:
            skipped.append({"case_id": r.id, "reason": str(e)})
            continue
        added.append(r.id)
    return {"meeting_id": found, "created": created, "added": added, "skipped": skipped}


def decide(
    session: Session,
    meeting_id: int,
    decisions: str,
    outcome: str,
    actions: list[dict[str, Any]],
    actor: str,
    may_move: Mover,
) -> None:
    """Record what a meeting decided and its follow-up actions (action, owner, due_on); the
    decision goes into the trail of every case on its agenda. No actions: it closes at once."""
    m = _lock(session, meeting_id)
    if m.status != "scheduled":
        raise Conflict(f"议事会 {meeting_id} 已是{MEETING_STATUSES.get(m.status, m.status)}状态")
    if outcome not in MEETING_OUTCOMES:
        raise Unprocessable(f"未知议定结果「{outcome}」，可选：{'、'.join(MEETING_OUTCOMES)}")
    session.execute(_q("decide"), {"id": meeting_id, "decisions": decisions, "outcome": outcome})
    for a in actions:
        session.execute(_q("add_action"), {"id": meeting_id, **a})
    data = {
        "meeting_id": meeting_id,
        "outcome": outcome,
        "actions": [{**a, "due_on": str(a["due_on"])} for a in actions],
    }
    for case_id in _agenda(session, meeting_id):
        note = f"{m.kind}议定（{MEETING_OUTCOMES[outcome]}）：{decisions}"
        record_event(session, case_id, actor, "decided", None, None, note, data)
    if not actions:
        _close(session, meeting_id, actor, may_move)


def finish_action(
    session: Session,
    meeting_id: int,
    action_id: int,
    actor: str,
    note: str | None,
    may_move: Mover,
) -> bool:
    """Mark a follow-up action done; the last one closes the meeting (returns True then)."""
    m = _lock(session, meeting_id)
    if m.status != "decided":
        raise Conflict(
            f"议事会 {meeting_id} {MEETING_STATUSES.get(m.status, m.status)}，没有待落实事项"
        )
    a = session.execute(_q("lock_action"), {"id": meeting_id, "action_id": action_id}).one_or_none()
    if a is None:
        raise NotFound(f"议事会 {meeting_id} 没有编号为 {action_id} 的落实事项")
    if a.status == "done":
        raise Conflict(f"落实事项 {action_id} 已完成")
    session.execute(_q("finish_action"), {"action_id": action_id, "actor": actor, "note": note})
    if session.execute(_q("open_actions"), {"id": meeting_id}).scalar_one():
        return False
    _close(session, meeting_id, actor, may_move)
    return True


# The shortest way from each open status to resolved (geo/vocabulary.py TRANSITIONS).
_TO_RESOLVED = {
    "reported": "assigned",
    "registered": "assigned",
    "returned": "assigned",
    "parked": "assigned",
    "assigned": "accepted",
    "accepted": "resolved",
}


def _close(session: Session, meeting_id: int, actor: str, may_move: Mover) -> None:
    """The meeting is carried out: each case on its agenda is resolved by it, each move asked
    of may_move first; closing it stays a verification (核查) by someone else (the grid's
    worker, staff, an inspector), who is told. A case whose month was archived (it was closed
    then) has nothing left to move."""
    session.execute(_q("close"), {"id": meeting_id})
    note = f"议事会（编号 {meeting_id}）决定已落实"
    for case_id in _agenda(session, meeting_id):
        status = session.execute(
            text("SELECT status FROM cases WHERE id = :id"), {"id": case_id}
        ).scalar_one_or_none()
        while status in _TO_RESOLVED:
            status = _TO_RESOLVED[status]
            may_move(case_id, status)
            transition(session, case_id, status, actor, note)


def _agenda(session: Session, meeting_id: int) -> list[int]:
    return [int(r[0]) for r in session.execute(_q("agenda_cases"), {"id": meeting_id})]


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    m = session.execute(_q("get"), {"id": meeting_id}).one_or_none()
    if m is None:
        raise NotFound(f"没有编号为 {meeting_id} 的议事会")
    return {
        **summary(m),
        "place": {"kind": m.place_kind, "code": m.place_code, "name": m.place_name},
        "participants": m.participants,
        "decisions": m.decisions,
        "created_by": m.created_by,
        "actions": [
            {
                "id": a.id,
                "action": a.action,
                "owner": a.owner,
                "due_on": a.due_on.isoformat(),  # NOT NULL
                "status": a.status,
                "overdue": bool(a.overdue),
                "done_at": a.done_at.isoformat() if a.done_at else None,
                "done_by": a.done_by,
                "note": a.note,
            }
            for a in session.execute(_q("actions"), {"id": meeting_id})
        ],
        "agenda": [
            {
                "case_id": c.case_id,
                "archived": c.archived,
                "status": c.status,
                "status_label": "已归档" if c.archived else STATUS_LABELS[c.status],
                "category": c.category,
                "description": c.description,
            }
            for c in session.execute(_q("agenda"), {"id": meeting_id})
        ],
    }


def summary(m: Any) -> MeetingSummary:
    """A meeting as a list shows it."""
    return {
        "id": int(m.id),
        "kind": m.kind,
        "held_on": m.held_on.isoformat(),  # NOT NULL
        "topic": m.topic,
        "topic_class": m.topic_class,
        "status": m.status,
        "status_label": MEETING_STATUSES[m.status],
        "outcome": m.outcome,
        "place_kind": m.place_kind,
        "place_code": m.place_code,
    }


def list_meetings(
    session: Session,
    prefix: str,
    place_kind: str | None,
    topic_class: str | None,
    status: str | None,
    limit: int,
) -> list[MeetingSummary]:
    params = {
        "prefix": prefix,
        "place_kind": place_kind,
        "topic_class": topic_class,
        "status": status,
        "limit": limit,
    }
    return [summary(m) for m in session.execute(_q("list"), params)]


def compound_meetings(session: Session, code: str, limit: int = 10) -> list[MeetingSummary]:
    """A compound's recent meetings, at the compound or one of its buildings."""
    return [summary(m) for m in session.execute(_q("of_compound"), {"code": code, "limit": limit})]


def meeting_counts(session: Session, prefix: str) -> MeetingCounts:
    """Meetings at places whose code begins prefix, by place kind, topic class, outcome and
    status, and their follow-up actions open, done and overdue."""
    out: dict[str, dict[str, int]] = {
        "place_kind": {},
        "topic_class": {},
        "outcome": {},
        "status": {},
        "actions": {},
    }
    for r in session.execute(_q("counts"), {"prefix": prefix}):
        out[r.dim][r.key] = int(r.n)
    return {
        "total": sum(out["status"].values()),
        "by_place_kind": out["place_kind"],
        "by_topic_class": out["topic_class"],
        "by_outcome": out["outcome"],
        "by_status": out["status"],
        "by_actions": out["actions"],
    }
