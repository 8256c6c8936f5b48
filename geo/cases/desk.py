"""The dispatcher's desk: the cases in a caller's scope (its areas, or its units for a
department), filtered, sorted and paged, and the queues a command centre works from."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import Unprocessable
from geo.sql.loader import query
from geo.vocabulary import DISTRICT_TZ, STATUS_LABELS

Queue = Literal[
    "open",
    "to_register",
    "to_dispatch",
    "to_accept",
    "in_hand",
    "to_verify",
    "yellow",
    "red",
    "supervised",
    "parked",
]
Sort = Literal["-created", "created", "due", "-updated"]
# The desk's queues (GB/T 30428's steps): which cases each holds
QUEUES: dict[Queue, str] = {
    "open": "在办",  # every open case but the parked: a worker's to-do list
    "to_register": "待立案",
    "to_dispatch": "待派遣",
    "to_accept": "待受理",
    "in_hand": "处置中",
    "to_verify": "待核查",
    "yellow": "黄灯",
    "red": "红灯",
    "supervised": "督办",
    "parked": "挂账",
}
# a grid worker's (or a unit's) to-do list, in the order of the work
WORKER_QUEUES: tuple[Queue, ...] = (
    "to_accept",
    "in_hand",
    "to_verify",
    "yellow",
    "red",
    "supervised",
)
SORTS: tuple[str, ...] = get_args(Sort)
PAGE_MAX = 200
COUNT_CAP = 1000  # a list's total is counted up to here; past it the desk says "1000+"
# Each sort: its order (inside the page's subquery, c; and again outside it, s), and the
# condition that a row comes after the cursor (the last row's sort key and id). due: cases
# without a due time last.
ORDERS: dict[str, tuple[str, str]] = {
    "-created": ("c.created_at DESC, c.id DESC", "(c.created_at, c.id) < (:after_key, :after_id)"),
    "created": ("c.created_at, c.id", "(c.created_at, c.id) > (:after_key, :after_id)"),
    "-updated": ("c.updated_at DESC, c.id DESC", "(c.updated_at, c.id) < (:after_key, :after_id)"),
    "due": (
        "COALESCE(c.due_at, 'infinity') , c.id",
        "(COALESCE(c.due_at, 'infinity'), c.id) > (:after_key, :after_id)",
    ),
}
_KEYS = {
    "-created": "created_at",
    "created": "created_at",
    "-updated": "updated_at",
    "due": "due_at",
}


def _sql(name: str, sort: str) -> str:
    """The query `name` of desk.sql with its scope and, for a page, the sort's fixed texts."""
    order, after = ORDERS[sort]
    sql = query("cases/desk", name).replace("/*scope*/", query("cases/desk", "scope"))
    return (
        sql.replace("/*order*/", order)
        .replace("/*order_s*/", order.replace("c.", "s."))
        .replace("/*after*/", after)
    )


def cursor(sort: str, row: Any) -> str:
    """The opaque cursor of the page after `row` (its sort key and id)."""
    key = getattr(row, _KEYS[sort])
    raw = f"{key.isoformat() if key else 'infinity'}|{row.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _after(token: str | None) -> tuple[datetime | str | None, int | None]:
    """A cursor's sort key and id (Unprocessable if it is none of ours: it may fit the
    description's pattern and still name no row)."""
    if token is None:
        return None, None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        key, _, ident = raw.partition("|")
        when: datetime | str = "infinity" if key == "infinity" else datetime.fromisoformat(key)
        return when, int(ident)
    except (ValueError, UnicodeDecodeError):
        raise Unprocessable("after 不是本列表给出的游标（next）") from None


def list_cases(
    session: Session,
    patterns: list[str] | None,
    f: dict[str, Any],
    limit: int,
    after: str | None = None,
) -> dict[str, Any]:
    """{"items", "total", "total_capped", "next"}: a page of the cases in scope matching the
    filters f (status, unit, area, category, source, reporter, warning, queue, supervised,
    parked, rework, since, until, text, sort), the first or the one after the cursor `after`;
    next is the following page's cursor, or None. total counts the list up to COUNT_CAP
    (total_capped: there are more)."""
    sort = f.get("sort") or "-created"
    after_key, after_id = _after(after)
    params = {
        "areas": patterns,
        "status": f.get("status"),
        "unit": f.get("unit"),
        "area": f.get("area"),
        "category": f.get("category"),
        "source": f.get("source"),
        "reporter": f.get("reporter"),
        "warning": f.get("warning"),
        "queue": f.get("queue"),
        "supervised": f.get("supervised"),
        "parked": f.get("parked"),
        "rework": f.get("rework"),
        "since": f.get("since"),
        "until": f.get("until"),
        "text": f"%{f['text']}%" if f.get("text") else None,
        "at": datetime.now().astimezone(),
    }
    # Planned with this request's values each time: a plan kept for any (psycopg prepares a
    # statement run five times) keeps every filter and walks every case
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    rows = session.execute(
        text(_sql("page", sort)),
        {
            **params,
            "limit": limit + 1,
            "after_key": after_key,
            "after_id": after_id,
            "cap": COUNT_CAP + 1,
        },
    ).all()
    if rows:
        total = int(rows[0].total)
    elif after_id is None:
        total = 0
    else:  # a page past the end: the list's total all the same
        count = _sql("count", sort)
        total = int(session.execute(text(count), {**params, "cap": COUNT_CAP + 1}).scalar_one())
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [_item(r) for r in rows],
        "total": min(total, COUNT_CAP),
        "total_capped": total > COUNT_CAP,
        "next": cursor(sort, rows[-1]) if more else None,
    }


def queue_counts(session: Session, patterns: list[str] | None) -> dict[str, int]:
    """How many cases each queue holds, in the caller's scope."""
    row = session.execute(
        text(query("cases/desk", "queues")),
        {"areas": patterns, "at": datetime.now().astimezone()},
    ).one()
    return {q: int(getattr(row, q)) for q in QUEUES}


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
