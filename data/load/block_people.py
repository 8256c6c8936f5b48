"""Who looks after an open block, from spreadsheets (CSV or XLSX, Chinese headers): its party
members (党员: 编码, 姓名, 党组织编码, 流动党员 是/否, 电话), its partner units (联建单位: 编码,
名称, 类型 派出所/市场监管所/执法中队/其他, 街区编码) and the links between them ("党员+联建单位":
党员编码, 联建单位编码). Each row upserted, or rejected with its reason. The caller commits.
(Which member looks after which shop, "党员+商铺", is the shops layer's 包干党员 column.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.loaders import LoadError, LoadReport, cell, read_table, rename_columns
from geo.open_blocks.words import PARTNER_KINDS

TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "party_members": {
        "code": ("编码", "党员编码"),
        "name": ("姓名", "名称"),
        "org_code": ("党组织编码", "所属党组织"),
        "mobile": ("流动党员",),
        "phone": ("电话", "联系电话"),
    },
    "partner_units": {
        "code": ("编码",),
        "name": ("名称",),
        "kind": ("类型",),
        "open_block_code": ("街区编码",),
    },
    "member_partners": {"member_code": ("党员编码",), "partner_code": ("联建单位编码",)},
}
REQUIRED = {
    "party_members": ("code", "name", "org_code"),
    "partner_units": ("code", "name", "kind", "open_block_code"),
    "member_partners": ("member_code", "partner_code"),
}
REFERS = {  # column -> (table, column) its value must name
    "org_code": ("party_orgs", "code"),
    "open_block_code": ("open_blocks", "code"),
    "member_code": ("party_members", "code"),
    "partner_code": ("partner_units", "code"),
}
UPSERT = {
    "party_members": "INSERT INTO party_members (code, name, org_code, mobile, phone) "
    "VALUES (:code, :name, :org_code, :mobile, :phone) ON CONFLICT (code) DO UPDATE SET "
    "name = EXCLUDED.name, org_code = EXCLUDED.org_code, mobile = EXCLUDED.mobile, "
    "phone = EXCLUDED.phone RETURNING (xmax = 0)",
    "partner_units": "INSERT INTO partner_units (code, name, kind, open_block_code) "
    "VALUES (:code, :name, :kind, :open_block_code) ON CONFLICT (code) DO UPDATE SET "
    "name = EXCLUDED.name, kind = EXCLUDED.kind, open_block_code = EXCLUDED.open_block_code "
    "RETURNING (xmax = 0)",
    "member_partners": "INSERT INTO member_partners (member_code, partner_code) "
    "VALUES (:member_code, :partner_code) ON CONFLICT DO NOTHING RETURNING true",
}
KNOWN = {  # the codes a reference may name, table by table (constant SQL)
    "party_orgs": "SELECT code FROM party_orgs",
    "open_blocks": "SELECT code FROM open_blocks",
    "party_members": "SELECT code FROM party_members",
    "partner_units": "SELECT code FROM partner_units",
}


def load_block_people(session: Session, table: str, path: Path) -> LoadReport:
    if table not in TABLES:
        raise LoadError(f"未知表「{table}」，可选：{'、'.join(TABLES)}")
    df = rename_columns(read_table(Path(path)), TABLES[table])
    missing = [c for c in REQUIRED[table] if c not in df.columns]
    if missing:
        raise LoadError(f"{Path(path).name}：缺少列 {'、'.join(missing)}")
    report = LoadReport(layer=table, file=str(path), crs="-", rows=len(df))
    known = {
        ref: set(session.execute(text(KNOWN[ref])).scalars())
        for col, (ref, _) in REFERS.items()
        if col in TABLES[table]
    }
    for i, r in enumerate(df.to_dict("records"), start=1):
        row: dict[str, object] = {c: cell(r.get(c)) or None for c in TABLES[table]}
        reason = _problem(table, row, known)
        if reason:
            report.rejected.append({"row": i, "code": row.get("code"), "reason": reason})
            continue
        if table == "party_members":
            mobile = (row["mobile"] or "否") in ("是", "1", "true", "流动")
            row = {**row, "mobile": mobile}
        inserted = session.execute(text(UPSERT[table]), row).scalar()
        if inserted:
            report.inserted += 1
        elif table != "member_partners":
            report.updated += 1
    return report


def _problem(table: str, row: dict[str, Any], known: dict[str, set[str]]) -> str | None:
    for col in REQUIRED[table]:
        if not row.get(col):
            return f"缺少 {col}"
    if table == "partner_units" and row["kind"] not in PARTNER_KINDS:
        return f"kind「{row['kind']}」不在 {'/'.join(PARTNER_KINDS)} 之中"
    flags = ("是", "否", "1", "0", "true", "false", "流动")
    if table == "party_members" and (row.get("mobile") or "否") not in flags:
        return f"mobile 须为 是 或 否，而不是「{row['mobile']}」"
    for col, (ref, _) in REFERS.items():
        if col in row and row[col] is not None and row[col] not in known[ref]:
            return f"未知的 {col}「{row[col]}」（{ref} 中没有）"
    return None
