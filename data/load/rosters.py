"""Rosters from spreadsheets (CSV or XLSX, Chinese headers), as every other layer loads: the
party organisations (党组织: 编码, 名称, 类型, 上级编码, 区域编码, 党员数), the grid workers
(网格员: 网格员编号, 姓名, 电话, 网格编码), the firms a party organisation spans (党组织编码,
统一社会信用代码: a 楼宇治理委员会's, a 产业链党支部's), the riders a 驿站 registers (骑手账号,
姓名, 驿站编码, 电话: a `rider` account each, made when new) and the residents' societies (群众性
社团: 社团编码, 社团名称, 类型 文体/志愿/互助/议事/其他, 小区编码, 人数, 成立日期, 联系人,
联系电话). Each row
upserted by its code, or rejected with its reason; nothing else changes. A party
organisation's parent may be one held already or one of an earlier row; its area is any
street, community, compound, residential building, business community, building or open block
held, its kind following from the code. After the workers, open cases whose grid's worker
changed follow the assignment rule (geo/sql/assignment.sql: the
grid's first worker by number). The caller commits.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.loaders import LoadError, LoadReport, cell, read_table, rename_columns
from geo.accounts.accounts import add_account
from geo.residential.words import SOCIETY_KINDS
from geo.vocabulary import PARTY_ORG_KINDS

TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "party_orgs": {
        "code": ("编码", "党组织编码"),
        "name": ("名称", "党组织名称"),
        "kind": ("类型",),
        "parent_code": ("上级编码", "上级党组织编码"),
        "area_code": ("区域编码",),
        "members": ("党员数",),
    },
    "workers": {
        "id": ("网格员编号", "编号"),
        "name": ("姓名",),
        "phone": ("电话", "联系电话"),
        "grid_code": ("网格编码",),
    },
    "party_org_firms": {"org_code": ("党组织编码",), "firm_code": ("统一社会信用代码", "企业编码")},
    "riders": {
        "username": ("骑手账号", "账号"),
        "name": ("姓名",),
        "post_code": ("驿站编码",),
        "phone": ("电话", "联系电话"),
    },
    "societies": {
        "code": ("社团编码", "编码"),
        "name": ("社团名称", "名称"),
        "kind": ("类型",),
        "compound_code": ("小区编码",),
        "members": ("人数", "成员数"),
        "founded_on": ("成立日期",),
        "contact_name": ("联系人",),
        "contact_phone": ("联系电话", "电话"),
    },
}
REQUIRED = {
    "party_orgs": ("code", "name", "kind", "area_code"),
    "workers": ("id", "name", "grid_code"),
    "societies": ("code", "name", "kind", "compound_code"),
    "party_org_firms": ("org_code", "firm_code"),
    "riders": ("username", "name", "post_code"),
}
# every area a party organisation may stand for, and its kind (constant SQL)
AREAS = """
SELECT code, 'street' FROM streets UNION ALL SELECT code, 'community' FROM communities
UNION ALL SELECT code, 'compound' FROM compounds
UNION ALL SELECT code, 'residential_building' FROM residential_buildings
UNION ALL SELECT code, 'business_community' FROM business_communities
UNION ALL SELECT code, 'building' FROM buildings
UNION ALL SELECT code, 'open_block' FROM open_blocks
"""
UPSERT = {
    "party_orgs": "INSERT INTO party_orgs (code, name, kind, parent_code, area_kind, area_code, "
    "members) VALUES (:code, :name, :kind, :parent_code, :area_kind, :area_code, :members) "
    "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, "
    "parent_code = EXCLUDED.parent_code, area_kind = EXCLUDED.area_kind, "
    "area_code = EXCLUDED.area_code, members = EXCLUDED.members RETURNING (xmax = 0)",
    "societies": "INSERT INTO societies (code, name, kind, compound_code, members, founded_on, "
    "contact_name, contact_phone) VALUES (:code, :name, :kind, :compound_code, :members, "
    ":founded_on, :contact_name, :contact_phone) ON CONFLICT (code) DO UPDATE SET "
    "name = EXCLUDED.name, kind = EXCLUDED.kind, compound_code = EXCLUDED.compound_code, "
    "members = EXCLUDED.members, founded_on = EXCLUDED.founded_on, "
    "contact_name = EXCLUDED.contact_name, contact_phone = EXCLUDED.contact_phone "
    "RETURNING (xmax = 0)",
    "riders": "INSERT INTO riders (account_id, post_code, phone) "
    "SELECT id, :post_code, :phone FROM accounts WHERE username = :username "
    "ON CONFLICT (account_id) DO UPDATE SET post_code = EXCLUDED.post_code, "
    "phone = EXCLUDED.phone RETURNING (xmax = 0)",
    "party_org_firms": "INSERT INTO party_org_firms (org_code, firm_code) "
    "VALUES (:org_code, :firm_code) ON CONFLICT DO NOTHING RETURNING true",
    "workers": "INSERT INTO workers (id, name, phone, grid_code) "
    "VALUES (:id, :name, :phone, :grid_code) ON CONFLICT (id) DO UPDATE SET "
    "name = EXCLUDED.name, phone = EXCLUDED.phone, grid_code = EXCLUDED.grid_code "
    "RETURNING (xmax = 0)",
}
# open cases whose grid's worker is no longer theirs: the assignment rule's worker again
FOLLOW = """
UPDATE cases c SET worker_id = w.id, updated_at = now()
FROM (SELECT grid_code, min(id) AS id FROM workers GROUP BY grid_code) w
WHERE case_is_open(c.status) AND c.grid_code = w.grid_code AND c.worker_id IS DISTINCT FROM w.id
"""
KINDS = {**{k: k for k in PARTY_ORG_KINDS}, **{v: k for k, v in PARTY_ORG_KINDS.items()}}
CODE = re.compile(r"^[0-9A-Za-z_-]{1,40}$")
PHONE = re.compile(r"^[0-9+\- ]{5,20}$")


def load_roster(session: Session, table: str, path: Path) -> LoadReport:
    """Load the party organisations or the grid workers from a CSV or XLSX file."""
    if table not in TABLES:
        raise LoadError(f"未知名册「{table}」，可选：{'、'.join(TABLES)}")
    df = rename_columns(read_table(Path(path)), TABLES[table])
    missing = [c for c in REQUIRED[table] if c not in df.columns]
    if missing:
        raise LoadError(f"{Path(path).name}：缺少列 {'、'.join(missing)}")
    report = LoadReport(layer=table, file=str(path), crs="-", rows=len(df))
    if table == "party_orgs":
        known: dict[str, Any] = {
            "areas": {str(c): str(k) for c, k in session.execute(text(AREAS))},
            "orgs": set(session.execute(text("SELECT code FROM party_orgs")).scalars()),
        }
    elif table == "riders":
        known = {
            "posts": set(
                session.execute(
                    text(
                        "SELECT code FROM facilities WHERE kind IN ('courier_post', 'courier_home')"
                    )
                ).scalars()
            ),
            "accounts": dict(session.execute(text("SELECT username, role FROM accounts")).all()),
            "district": session.execute(text("SELECT left(min(code), 6) FROM streets")).scalar(),
        }
    elif table == "party_org_firms":
        known = {
            "orgs": set(session.execute(text("SELECT code FROM party_orgs")).scalars()),
            "firms": set(session.execute(text("SELECT code FROM firms")).scalars()),
        }
    elif table == "societies":
        known = {"compounds": set(session.execute(text("SELECT code FROM compounds")).scalars())}
    else:
        known = {"grids": set(session.execute(text("SELECT code FROM grids")).scalars())}
    for i, r in enumerate(df.to_dict("records"), start=1):
        row: dict[str, Any] = {c: cell(r.get(c)) or None for c in TABLES[table]}
        reason = _problem(table, row, known)
        if reason:
            report.rejected.append(
                {"row": i, "code": row.get("code") or row.get("id"), "reason": reason}
            )
            continue
        if table == "party_orgs":
            row["kind"] = KINDS[row["kind"]]
            row["area_kind"] = known["areas"][row["area_code"]]
            row["members"] = int(float(row["members"])) if row["members"] else None
            known["orgs"].add(row["code"])
        if table == "societies":
            row["members"] = int(float(row["members"])) if row["members"] else 0
            row["founded_on"] = date.fromisoformat(row["founded_on"]) if row["founded_on"] else None
        if table == "riders" and row["username"] not in known["accounts"]:
            add_account(  # signs in through the identity service (or a key): no password
                session,
                row["username"],
                "rider",
                [known["district"]],
                None,
                display_name=f"{row['name']}（外卖小哥）",
                must_change=False,
            )
            known["accounts"][row["username"]] = "rider"
        if session.execute(text(UPSERT[table]), row).scalar():
            report.inserted += 1
        elif table != "party_org_firms":  # a link held already: nothing to update
            report.updated += 1
    if table == "workers" and (report.inserted or report.updated):
        report.reassigned_cases = session.execute(text(FOLLOW)).rowcount  # type: ignore[attr-defined]
    return report


def _problem(table: str, row: dict[str, Any], known: dict[str, Any]) -> str | None:
    for col in REQUIRED[table]:
        if not row.get(col):
            return f"缺少 {col}"
    if table == "riders":
        role = known["accounts"].get(row["username"])
        if role not in (None, "rider"):
            return f"账号「{row['username']}」已是{role}，不能登记为外卖小哥"
        if row["post_code"] not in known["posts"]:
            return f"未知的驿站编码「{row['post_code']}」（小哥驿站或小哥之家）"
        if row["phone"] and not PHONE.fullmatch(row["phone"]):
            return f"电话「{row['phone']}」须为 5–20 位数字"
        if not (len(row["username"]) <= 64 and row["username"].isprintable()):
            return "骑手账号须为 1 至 64 个可打印字符"
        return None
    if table == "party_org_firms":
        if row["org_code"] not in known["orgs"]:
            return f"未知的党组织编码「{row['org_code']}」"
        if row["firm_code"] not in known["firms"]:
            return f"未知的统一社会信用代码「{row['firm_code']}」"
        return None
    key = row.get("code") or row.get("id")
    if not CODE.fullmatch(str(key)):
        return f"编码「{key}」须为 1–40 个字母、数字、- 或 _"
    if len(row["name"]) > 100 or not row["name"].isprintable():
        return "名称含控制字符或超过 100 个字符"
    if table == "societies":
        return _society_problem(row, known)
    if table == "workers":
        if row["grid_code"] not in known["grids"]:
            return f"未知的网格编码「{row['grid_code']}」"
        if row["phone"] and not PHONE.fullmatch(row["phone"]):
            return f"电话「{row['phone']}」须为 5–20 位数字"
        return None
    if row["kind"] not in KINDS:
        return f"类型「{row['kind']}」须为 {'、'.join(PARTY_ORG_KINDS.values())} 之一"
    if row["area_code"] not in known["areas"]:
        return (
            f"未知的区域编码「{row['area_code']}」（街道、社区、小区、楼幢、商务社区、楼宇或街区）"
        )
    parent = row.get("parent_code")
    if parent == row["code"]:
        return "上级编码不能是自己"
    if parent and parent not in known["orgs"]:
        return f"未知的上级编码「{parent}」（须已有，或在前面的行中）"
    members = row.get("members")
    if members and not re.fullmatch(r"[0-9]{1,6}(\.0)?", members):
        return f"党员数「{members}」须为非负整数"
    return None


def _society_problem(row: dict[str, Any], known: dict[str, Any]) -> str | None:
    if row["kind"] not in SOCIETY_KINDS:
        return f"类型「{row['kind']}」须为 {'/'.join(SOCIETY_KINDS)} 之一"
    if row["compound_code"] not in known["compounds"]:
        return f"未知的小区编码「{row['compound_code']}」"
    members = row.get("members")
    if members and not re.fullmatch(r"[0-9]{1,6}(\.0)?", members):
        return f"人数「{members}」须为非负整数"
    if row.get("founded_on"):
        try:
            date.fromisoformat(row["founded_on"][:10])
        except ValueError:
            return f"成立日期「{row['founded_on']}」须为 YYYY-MM-DD"
        row["founded_on"] = row["founded_on"][:10]
    if row.get("contact_phone") and not PHONE.fullmatch(row["contact_phone"]):
        return f"联系电话「{row['contact_phone']}」须为 5–20 位数字"
    if row.get("contact_name") and (
        len(row["contact_name"]) > 50 or not row["contact_name"].isprintable()
    ):
        return "联系人含控制字符或超过 50 个字符"
    return None
