"""The firm register from a CSV or XLSX with Chinese headers (统一社会信用代码, 企业名称, 楼宇编码,
行业, 从业人员, 重点税源, 注册资本): each row upserted by its code, or rejected with a reason —
a code that fails its check (geo/business/credit_code.py), an unknown building, a code twice in the
file, a number that is not one. The caller commits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.loaders import LoadError, LoadReport, cell, read_table, rename_columns
from geo.business.credit_code import problem

COLUMNS = {
    "code": ("统一社会信用代码", "信用代码", "credit_code", "uscc"),
    "name": ("企业名称", "名称", "firm"),
    "building_code": ("楼宇编码", "楼宇代码", "building"),
    "industry": ("行业", "所属行业"),
    "employees": ("从业人员", "员工数", "职工人数"),
    "key_taxpayer": ("重点税源", "重点税源企业"),
    "registered_capital": ("注册资本", "注册资本(万元)", "注册资本（万元）"),
}
REQUIRED = ("code", "name", "building_code")
YES = {"是", "1", "true", "y", "yes", "重点"}
NO = {"否", "0", "false", "n", "no", ""}

_UPSERT = """
INSERT INTO firms (code, name, building_code, industry, employees, key_taxpayer,
                   registered_capital)
VALUES (:code, :name, :building_code, :industry, :employees, :key_taxpayer, :registered_capital)
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, building_code = EXCLUDED.building_code,
    industry = EXCLUDED.industry, employees = EXCLUDED.employees,
    key_taxpayer = EXCLUDED.key_taxpayer, registered_capital = EXCLUDED.registered_capital
RETURNING (xmax = 0)
"""


def _row(r: dict[str, Any], buildings: set[str], seen: dict[str, int]) -> dict[str, Any] | str:
    """The row ready to write, or why it is refused."""
    code = cell(r.get("code")).upper()
    reason = problem(code)
    if reason:
        return reason
    if code in seen:
        return f"统一社会信用代码 {code} 重复（首见于第 {seen[code]} 行）"
    if not cell(r.get("name")):
        return "缺少 企业名称（name）"
    building = cell(r.get("building_code")).removesuffix(".0")
    if building not in buildings:
        return f"未知的 building_code「{building}」（buildings 中没有）"
    out: dict[str, Any] = {"code": code, "name": cell(r["name"]), "building_code": building}
    out["industry"] = cell(r.get("industry")) or None
    for col, kind in (("employees", int), ("registered_capital", float)):
        raw = cell(r.get(col))
        try:
            value = kind(float(raw)) if raw else None
        except ValueError:
            return f"{col} 须为数字，而不是「{raw}」"
        if value is not None and value < 0:
            return f"{col} 须 ≥ 0，而不是「{raw}」"
        out[col] = value
    flag = cell(r.get("key_taxpayer")).lower()
    if flag not in YES | NO:
        return f"key_taxpayer 须为 是 或 否，而不是「{flag}」"
    out["key_taxpayer"] = flag in YES
    return out


def load_firms(session: Session, path: Path) -> LoadReport:
    df = rename_columns(read_table(Path(path)), COLUMNS)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise LoadError(f"{Path(path).name}：缺少列 {'、'.join(missing)}")
    report = LoadReport(layer="firms", file=str(path), crs="-", rows=len(df))
    buildings = set(session.execute(text("SELECT code FROM buildings")).scalars())
    seen: dict[str, int] = {}
    rows = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        checked = _row({str(k): v for k, v in r.items()}, buildings, seen)
        if isinstance(checked, str):
            report.rejected.append({"row": i, "code": cell(r.get("code")), "reason": checked})
            continue
        seen[checked["code"]] = i
        rows.append(checked)
    for checked_row in rows:
        if session.execute(text(_UPSERT), checked_row).scalar_one():
            report.inserted += 1
        else:
            report.updated += 1
    session.execute(text(_RECOUNT))
    return report


# each building's firm count from the register (a firm that moved leaves its old building)
_RECOUNT = """
UPDATE buildings b SET firms = c.n
FROM (SELECT b2.code, count(f.code)::int AS n FROM buildings b2
      LEFT JOIN firms f ON f.building_code = b2.code GROUP BY b2.code) c
WHERE c.code = b.code AND b.firms IS DISTINCT FROM c.n
"""
