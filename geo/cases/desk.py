"""The dispatcher's desk: the cases in a caller's scope (its areas, or its units for a
department), filtered, sorted and paged, and the queues a command centre works from."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import query
from geo.vocabulary import DISTRICT_TZ, STATUS_LABELS

Queue = Literal["to_register", "to_dispatch", "to_verify", "yellow", "red", "supervised", "parked"]
Sort = Literal["-created", "created", "due", "-updated"]
# The desk's queues (GB/T 30428's steps): which cases each holds
QUEUES: dict[Queue, str] = {
    "to_register": "待立案",
    "to_dispatch": "待派遣",
    "to_verify": "待核查",
    "yellow": "黄灯",
    "red": "红灯",
    "supervised": "督办",
    "parked": "挂账",
}
SORTS: tuple[str, ...] = get_args(Sort)
PAGE_MAX = 200


def list_cases(
    session: Session, patterns: list[str] | None, f: dict[str, Any], limit: int, offset: int
) -> dict[str, Any]:
    """{"items", "total", "next"}: the page of cases in scope matching the filters f (status,
    unit, area, category, warning, queue, supervised, parked, rework, since, until, text,
    sort); next is the offset of the following page, or None."""
    params = {
        "areas": patterns,
        "status": f.get("status"),
        "unit": f.get("unit"),
        "area": f.get("area"),
        "category": f.get("category"),
        "warning": f.get("warning"),
        "queue": f.get("queue"),
        "supervised": f.get("supervised"),
        "parked": f.get("parked"),
        "rework": f.get("rework"),
        "since": f.get("since"),
        "until": f.get("until"),
        "text": f"%{f['text']}%" if f.get("text") else None,
        "sort": f.get("sort") or "-created",
        "limit": limit,
        "offset": offset,
        "at": datetime.now().astimezone(),
    }
    rows = session.execute(text(query("cases/desk", "page")), params).all()
    total = int(rows[0].total) if rows else _count(session, params, offset)
    items = [_item(r) for r in rows]
    more = offset + len(items) < total
    return {"items": items, "total": total, "next": offset + len(items) if more else None}


def queue_counts(session: Session, patterns: list[str] | None) -> dict[str, int]:
    """How many cases each queue holds, in the caller's scope."""
    row = session.execute(
        text(query("cases/desk", "queues")),
        {"areas": patterns, "at": datetime.now().astimezone()},
    ).one()
    return {q: int(getattr(row, q)) for q in QUEUES}


def _count(session: Session, params: dict[str, Any], offset: int) -> int:
    """The total when the page asked for is past the end (no row of it carries the total)."""
    if offset == 0:
        return 0
    first = {**params, "limit": 1, "offset": 0}
    row = session.execute(text(query("cases/desk", "page")), first).first()
    return 0 if row is None else int(row.total)


def _item(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "status": r.status,
        "status_label": STATUS_LABELS[r.status],
        "category": {"code": r.category_code, "name": r.category_name},
        "description": r.description,
        "address": r.address,
        "street_code": r.street_code,
        "community_code": r.community_code,
        "grid_code": r.grid_code,
        "zone_code": r.zone_code,
        "unit": {"code": r.unit_code, "name": r.unit_name} if r.unit_code else None,
        "warning": r.warning,
        "created_at": r.created_at.isoformat(),
        "due_at": r.due_at.isoformat() if r.due_at else None,
        "supervision": (
            {
                "level": r.supervision_level,
                "due": r.supervision_due.isoformat() if r.supervision_due else None,
            }
            if r.supervision_level
            else None
        ),
        "rework_count": r.rework_count,
    }


# The list as a file (GET /api/v1/cases/export): one row a case, Chinese headers.
EXPORT_COLUMNS = (
    "编号",
    "类别",
    "状态",
    "警示",
    "描述",
    "地址",
    "街道编码",
    "社区编码",
    "网格编码",
    "处置单位",
    "上报时间",
    "处置时限",
    "督办级别",
    "督办期限",
    "返工次数",
)
_WARNINGS = {"none": "", "yellow": "黄灯", "red": "红灯"}


def export_row(c: dict[str, Any]) -> list[Any]:
    """A listed case (list_cases' item) as the file's row, in EXPORT_COLUMNS' order."""
    supervision = c["supervision"] or {}
    return [
        c["id"],
        c["category"]["name"],
        c["status_label"],
        _WARNINGS.get(c["warning"] or "none", ""),
        c["description"],
        c["address"] or "",
        c["street_code"] or "",
        c["community_code"] or "",
        c["grid_code"] or "",
        c["unit"]["name"] if c["unit"] else "",
        _local(c["created_at"]),
        _local(c["due_at"]),
        supervision.get("level") or "",
        _local(supervision.get("due")),
        c["rework_count"],
    ]


def _local(iso: str | None) -> str:
    """An ISO time as the district's clock reads it, to the minute."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(DISTRICT_TZ)).strftime("%Y-%m-%d %H:%M")
