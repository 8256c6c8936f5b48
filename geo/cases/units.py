"""Handling units (处置单位): the street and community offices, grids, departments, utilities,
partners and property companies cases are dispatched to; loading them with a per-row report,
listing them, and the unit a case goes to by default (its category's default_unit)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.answers import Unit
from geo.cases.words import UNIT_KINDS
from geo.codes import UNIT_CODE, area_kind_of
from geo.errors import NotFound
from geo.sql.loader import query
from geo.text import has_control

# A units file's headers, Chinese or English
HEADERS = {"编码": "code", "名称": "name", "类型": "kind", "服务区域": "area_code"}


def _q(name: str) -> Any:
    return text(query("cases/units", name))


def list_units(session: Session, kind: str | None = None, area: str | None = None) -> list[Unit]:
    """Units by code; of a kind, and serving an area inside `area` (or holding it)."""
    rows = session.execute(_q("list"), {"kind": kind, "area": area})
    return [
        {"code": r.code, "name": r.name, "kind": r.kind, "area_code": r.area_code} for r in rows
    ]


def get_unit(session: Session, code: str) -> Unit:
    """One unit by its code (NotFound if there is none)."""
    r = session.execute(_q("one"), {"code": code}).one_or_none()
    if r is None:
        raise NotFound(f"没有编码为 {code} 的处置单位（见 /api/v1/units）")
    return {"code": r.code, "name": r.name, "kind": r.kind, "area_code": r.area_code}


def load_units(session: Session, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Insert or update units; each bad row is reported with why and changes nothing."""
    report: dict[str, Any] = {"inserted": 0, "updated": 0, "rejected": []}
    for i, raw in enumerate(rows, start=1):
        row = {HEADERS.get(k.strip(), k.strip()): (v or "").strip() for k, v in raw.items()}
        why = _row_problem(row)
        if why:
            report["rejected"].append({"row": i, "reason": why})
            continue
        inserted = session.execute(_q("upsert"), row).scalar_one()
        report["inserted" if inserted else "updated"] += 1
    return report


def _row_problem(row: dict[str, str]) -> str | None:
    for key in ("code", "name", "kind", "area_code"):
        if not row.get(key):
            return f"缺少 {key}"
        if has_control(row[key]):
            return f"{key} 含控制字符"
    if not UNIT_CODE.fullmatch(row["code"]):
        return f"编码「{row['code']}」须为 U 加 2 至 31 位数字或大写字母"
    if row["kind"] not in UNIT_KINDS:
        return f"未知类型「{row['kind']}」，可选：{'、'.join(UNIT_KINDS)}"
    if area_kind_of(row["area_code"]) in (None, "unit"):
        return f"服务区域「{row['area_code']}」不是区、街道、社区、网格或小区等的编码"
    if len(row["name"]) > 100:
        return "名称超过 100 个字符"
    return None


def suggest_unit(session: Session, case_id: int) -> str | None:
    """The unit a case goes to by default: its category's (categories.default_unit) for its
    place — the
    block's partner unit of that kind where one is linked, else the street's or district's
    unit, or the compound's property company — else its grid's, else its street's office."""
    mark = session.execute(_q("category"), {"id": case_id}).scalar_one_or_none()
    found = session.execute(_q("suggest"), {"id": case_id, "mark": mark}).scalar_one_or_none()
    return None if found is None else str(found)
