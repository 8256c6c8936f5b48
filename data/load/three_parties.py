"""Compounds' three parties from a spreadsheet (CSV or XLSX, Chinese headers, no geometry):
each row edits one existing compound as the named account would through the API — only inside
its area, only staff naming a commissioner — every change in the audit log with the old and
new values. A per-row report; rows before a rejected one stay applied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from data.load.load_specs import ALIASES, LOADABLE
from data.load.loaders import LoadError, LoadReport, read_table, rename_columns
from data.load.upsert import check_values
from geo.access import Caller, may_edit_compound, require
from geo.accounts import audit
from geo.accounts.accounts import find_account
from geo.errors import DomainError, NotFound
from geo.residential.three_parties import EDITABLE, edit_compound

COLUMNS = {"code": ("小区编码", "编码", "代码"), "commissioner": ("小区专员", "专员")}


def _rename(df: pd.DataFrame) -> pd.DataFrame:
    wanted = {w: COLUMNS.get(w, ()) + ALIASES.get(w, ()) for w in (*COLUMNS, *EDITABLE)}
    return rename_columns(df, wanted)


def import_parties(session: Session, path: Path, username: str) -> LoadReport:
    """Apply the file's rows as `username`'s edits; the caller commits."""
    account = find_account(session, username)
    if account is None:
        raise NotFound(f"没有账号「{username}」")
    caller = Caller(account, "cli", "cli")
    require(caller, "compound.edit")
    df = _rename(read_table(Path(path)))
    if "code" not in df.columns:
        raise LoadError(f"{Path(path).name}：没有 小区编码（code）列")
    given = [c for c in EDITABLE if c in df.columns]
    if not given and "commissioner" not in df.columns:
        raise LoadError(f"{Path(path).name}：没有三方信息列（{'、'.join(EDITABLE)}）")
    report = LoadReport(layer="compound_parties", file=str(path), crs="-", rows=len(df))
    df = df.assign(row=range(1, len(df) + 1))
    df = check_values(df, LOADABLE["compounds"], report)  # vocabulary and dates, per row
    for r in df.to_dict("records"):
        try:
            report.updated += _apply(session, caller, r, given)
        except DomainError as exc:
            report.rejected.append({"row": int(r["row"]), "code": r["code"], "reason": str(exc)})
    report.rejected.sort(key=lambda x: int(x["row"]))  # type: ignore[call-overload]
    return report


def _apply(session: Session, caller: Caller, r: dict[str, Any], given: list[str]) -> int:
    code = str(r["code"]).strip()
    changes = {c: (None if pd.isna(r[c]) else r[c]) for c in given}
    if changes.get("committee_kind") is None:
        changes.pop("committee_kind", None)  # never null: a blank cell leaves it as it is
    commissioner = r.get("commissioner")
    commissioner = None if commissioner is None or pd.isna(commissioner) else str(commissioner)
    may_edit_compound(caller, code, names_commissioner=commissioner is not None)
    with session.begin_nested():  # a rejected row leaves nothing half-done
        diff = edit_compound(session, code, changes, commissioner)
        if diff:
            audit.record(
                session,
                "compound.edit",
                caller.account.id if caller.account else None,
                caller.name,
                "cli",
                target=f"compound:{code}",
                detail=diff,
            )
    return 1 if diff else 0
