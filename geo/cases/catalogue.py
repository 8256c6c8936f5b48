"""The case categories as a catalogue (GB/T 30428.2 classes and the district's own), loaded
from a file with a per-row report: codes already in use keep working, their rows updated."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.words import UNIT_MARKS
from geo.text import has_control

HEADERS = {
    "编码": "code",
    "名称": "name",
    "大类": "group_name",
    "类型": "kind",
    "立案条件": "conditions",
    "处置时限": "sla_hours",
    "工作时": "working_hours",
    "默认单位": "default_unit",
    "需处置照片": "photo_required",
}
YES = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False, "": False}
CODE = re.compile(r"[a-z0-9_]{1,40}")


def load_categories(session: Session, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Insert or update categories; each bad row is reported with why and changes nothing."""
    report: dict[str, Any] = {"inserted": 0, "updated": 0, "rejected": []}
    for i, raw in enumerate(rows, start=1):
        row = {HEADERS.get(k.strip(), k.strip()): (v or "").strip() for k, v in raw.items()}
        why = _problem(row)
        if why:
            report["rejected"].append({"row": i, "reason": why})
            continue
        inserted = session.execute(
            text(
                "INSERT INTO categories (code, name, group_name, kind, conditions, sla_hours, "
                "working_hours, default_unit, photo_required) VALUES (:code, :name, :group_name, "
                ":kind, :conditions, :sla_hours, :working_hours, :default_unit, :photo_required) "
                "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, "
                "group_name = EXCLUDED.group_name, kind = EXCLUDED.kind, "
                "conditions = EXCLUDED.conditions, sla_hours = EXCLUDED.sla_hours, "
                "working_hours = EXCLUDED.working_hours, default_unit = EXCLUDED.default_unit, "
                "photo_required = EXCLUDED.photo_required RETURNING (xmax = 0)"
            ),
            {
                **row,
                "conditions": row.get("conditions") or None,
                "sla_hours": int(row["sla_hours"]),
                "working_hours": YES[row.get("working_hours", "").lower()],
                "default_unit": row.get("default_unit") or None,
                "photo_required": YES[row.get("photo_required", "").lower()],
            },
        ).scalar_one()
        report["inserted" if inserted else "updated"] += 1
    return report


def _problem(row: dict[str, str]) -> str | None:
    for key in ("code", "name", "group_name", "kind", "sla_hours"):
        if not row.get(key):
            return f"缺少 {key}"
    if any(has_control(v) for v in row.values()):
        return "含控制字符"
    if not CODE.fullmatch(row["code"]):
        return f"编码「{row['code']}」须为 1 至 40 位小写字母、数字或下划线"
    if row["kind"] not in ("部件", "事件"):
        return f"类型「{row['kind']}」须为 部件 或 事件"
    if not row["sla_hours"].isdigit() or not 1 <= int(row["sla_hours"]) <= 8760:
        return f"处置时限「{row['sla_hours']}」须为 1 至 8760 的整数（小时）"
    for key in ("working_hours", "photo_required"):
        if row.get(key, "").lower() not in YES:
            return f"{key}「{row[key]}」须为 是 或 否"
    if row.get("default_unit") and row["default_unit"] not in UNIT_MARKS:
        return f"默认单位「{row['default_unit']}」须为 {'、'.join(UNIT_MARKS)} 之一"
    if len(row["name"]) > 50 or len(row.get("conditions", "")) > 500:
        return "名称超过 50 个字符或立案条件超过 500 个字符"
    return None
