"""The case categories as a catalogue of two levels (大类/小类; GB/T 30428.2 classes and the
district's own), loaded from a file with a per-row report: codes already in use keep working,
their rows updated. A 大类 is its kind and code (部件 01 and 事件 01 are two classes) and has one
name; a national 小类 code sits under its 大类's code."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.answers import CatalogueGroup
from geo.cases.words import UNIT_MARKS
from geo.text import has_control

HEADERS = {
    "编码": "code",
    "名称": "name",
    "大类": "group_name",
    "大类编码": "group_code",
    "国标编码": "national_code",
    "派遣时限": "dispatch_hours",
    "类型": "kind",
    "立案条件": "conditions",
    "处置时限": "sla_hours",
    "工作时": "working_hours",
    "默认单位": "default_unit",
    "需处置照片": "photo_required",
}
YES = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False, "": False}
CODE = re.compile(r"[a-z0-9_]{1,40}")
GROUP_CODE = re.compile(r"[A-Z0-9]{1,8}")
NATIONAL_CODE = re.compile(r"[0-9]{4,8}")
DISPATCH_DEFAULT = "1"  # hours, when a file gives no 派遣时限


def catalogue(session: Session) -> list[CatalogueGroup]:
    """The categories by 大类 (部件 before 事件, then by code), each with its limits and rules."""
    rows = session.execute(
        text(
            "SELECT kind, group_code, group_name, code, name, national_code, sla_hours, "
            "dispatch_hours, working_hours, conditions, default_unit, photo_required "
            "FROM categories ORDER BY kind <> '部件', group_code, COALESCE(national_code, ''), code"
        )
    ).all()
    groups: dict[tuple[str, str], CatalogueGroup] = {}
    for r in rows:
        group = groups.setdefault(
            (r.kind, r.group_code),
            {"kind": r.kind, "code": r.group_code, "name": r.group_name, "categories": []},
        )
        group["categories"].append(
            {
                "code": r.code,
                "name": r.name,
                "national_code": r.national_code,
                "sla_hours": r.sla_hours,
                "dispatch_hours": r.dispatch_hours,
                "working_hours": r.working_hours,
                "conditions": r.conditions,
                "default_unit": r.default_unit,
                "photo_required": r.photo_required,
            }
        )
    return list(groups.values())


def load_categories(session: Session, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Insert or update categories; each bad row is reported with why and changes nothing."""
    report: dict[str, Any] = {"inserted": 0, "updated": 0, "rejected": []}
    for i, raw in enumerate(rows, start=1):
        row = {HEADERS.get(k.strip(), k.strip()): (v or "").strip() for k, v in raw.items()}
        why = _problem(row) or _group_problem(session, row)
        if why:
            report["rejected"].append({"row": i, "reason": why})
            continue
        inserted = session.execute(
            text(
                "INSERT INTO categories (code, name, group_code, group_name, national_code, kind, "
                "conditions, sla_hours, dispatch_hours, working_hours, default_unit, "
                "photo_required) VALUES (:code, :name, :group_code, :group_name, :national_code, "
                ":kind, :conditions, :sla_hours, :dispatch_hours, :working_hours, :default_unit, "
                ":photo_required) "
                "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, "
                "group_code = EXCLUDED.group_code, group_name = EXCLUDED.group_name, "
                "national_code = EXCLUDED.national_code, "
                "dispatch_hours = EXCLUDED.dispatch_hours, kind = EXCLUDED.kind, "
                "conditions = EXCLUDED.conditions, sla_hours = EXCLUDED.sla_hours, "
                "working_hours = EXCLUDED.working_hours, default_unit = EXCLUDED.default_unit, "
                "photo_required = EXCLUDED.photo_required RETURNING (xmax = 0)"
            ),
            {
                **row,
                "conditions": row.get("conditions") or None,
                "national_code": row.get("national_code") or None,
                "sla_hours": int(row["sla_hours"]),
                "dispatch_hours": float(row.get("dispatch_hours") or DISPATCH_DEFAULT),
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
    if not _hours(row.get("dispatch_hours") or DISPATCH_DEFAULT):
        return f"派遣时限「{row['dispatch_hours']}」须为大于 0、至多 720 的小时数"
    if row.get("group_code") and not GROUP_CODE.fullmatch(row["group_code"]):
        return f"大类编码「{row['group_code']}」须为 1 至 8 位大写字母或数字"
    national = row.get("national_code")
    if national and not NATIONAL_CODE.fullmatch(national):
        return f"国标编码「{national}」须为 4 至 8 位数字（GB/T 30428.2 的小类编码）"
    group = row.get("group_code", "")
    if national and group.isdigit() and not national.startswith(group):
        return f"国标编码「{national}」不在大类「{group}」之下"
    for key in ("working_hours", "photo_required"):
        if row.get(key, "").lower() not in YES:
            return f"{key}「{row[key]}」须为 是 或 否"
    if row.get("default_unit") and row["default_unit"] not in UNIT_MARKS:
        return f"默认单位「{row['default_unit']}」须为 {'、'.join(UNIT_MARKS)} 之一"
    if len(row["name"]) > 50 or len(row.get("conditions", "")) > 500:
        return "名称超过 50 个字符或立案条件超过 500 个字符"
    return None


def _hours(value: str) -> bool:
    try:
        hours = float(value)
    except ValueError:
        return False
    return 0 < hours <= 720


def _group_problem(session: Session, row: dict[str, str]) -> str | None:
    """A 大类 has one name: a file's code names the class already held (by other categories),
    or a new one; a row without a code joins the class of its kind held under its name."""
    code = row.get("group_code", "")
    held = session.execute(
        text(
            "SELECT code, group_code, group_name FROM categories WHERE kind = :kind "
            "AND (group_code = :group OR group_name = :name) ORDER BY code"
        ),
        {"kind": row["kind"], "group": code, "name": row["group_name"]},
    ).all()
    if not code:
        named = [h.group_code for h in held if h.group_name == row["group_name"]]
        if not named:
            return f"缺少 大类编码（{row['kind']}大类「{row['group_name']}」尚无编码）"
        row["group_code"] = named[0]
        return None
    for h in held:
        if h.code != row["code"] and h.group_code == code and h.group_name != row["group_name"]:
            return f"大类编码「{code}」已是{row['kind']}大类「{h.group_name}」"
    return None
