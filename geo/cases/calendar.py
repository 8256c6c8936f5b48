"""The district's calendar for time limits (geo/cases/sql/definitions/68_working_hours.sql):
the days that are not as their weekday says, loaded per year from a file (日期, 类型, 说明)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.text import has_control

HEADERS = {"日期": "day", "类型": "kind", "说明": "note"}
# a day's kind as the State Council's notices write it, or in English
KINDS = {
    "休": False,
    "休息": False,
    "假": False,
    "off": False,
    "班": True,
    "上班": True,
    "work": True,
}


def load_calendar(session: Session, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Insert or update calendar days (a holiday: 休; a make-up working day: 班); each bad row is
    reported with why and changes nothing."""
    report: dict[str, Any] = {"loaded": 0, "rejected": []}
    for i, raw in enumerate(rows, start=1):
        row = {HEADERS.get(k.strip(), k.strip()): (v or "").strip() for k, v in raw.items()}
        try:
            day = date.fromisoformat(row.get("day", ""))
        except ValueError:
            report["rejected"].append(
                {"row": i, "reason": f"日期「{row.get('day')}」须为 YYYY-MM-DD"}
            )
            continue
        kind = row.get("kind", "")
        if kind not in KINDS:
            report["rejected"].append({"row": i, "reason": f"类型「{kind}」须为 休 或 班"})
            continue
        note = row.get("note") or None
        if note and (has_control(note) or len(note) > 100):
            report["rejected"].append({"row": i, "reason": "说明含控制字符或超过 100 个字符"})
            continue
        session.execute(
            text(
                "INSERT INTO calendar_days (day, working, note) VALUES (:d, :w, :n) "
                "ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working, note = EXCLUDED.note"
            ),
            {"d": day, "w": KINDS[kind], "n": note},
        )
        report["loaded"] += 1
    return report
