"""Renewal (有机更新) projects: progress by building, group and day; signatures recorded with a
per-row report; exports as CSV (one table) or XLSX (every table, a sheet each)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyogrio
from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from data.export import sheet_safe
from geo.access import allowed, may_sign_renewal
from geo.answers import FeatureCollection
from geo.cases.workflow import mask_name
from geo.codes import StreetCode
from geo.residential.answers import RenewalProgress, RenewalProject, SigningsReport
from geo.residential.renewal import list_projects, project, project_geojson, record_signings
from webmap.auth import allow, current_caller
from webmap.db import get_read_session, get_session
from webmap.openapi import CSV, GEOJSON, XLSX, Answer, answers
from webmap.schemas import AwareIsoDatetime, Body, Schema

api = APIBlueprint("renewal", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="renewal")])


class ProjectsQuery(Schema):
    street: StreetCode | None = None


class ProjectPath(Schema):
    project_id: int = Field(ge=1, le=2**63 - 1)


class Signing(Body):
    building_code: str = Field(min_length=1, max_length=40)
    household: str = Field(min_length=1, max_length=40, description="a room, e.g. 2单元301")
    signed_at: AwareIsoDatetime


class Signings(Body):
    signings: list[Signing] = Field(min_length=1, max_length=2000)


class ExportQuery(Schema):
    format: Literal["csv", "xlsx"] = "xlsx"
    table: Literal["buildings", "groups", "daily"] = Field(
        "buildings", description="CSV: which table (XLSX holds all three)"
    )


@answers(list[RenewalProject])
@api.get("/renewal/projects")
def get_projects(query: ProjectsQuery):  # type: ignore[no-untyped-def]
    """Renewal projects with households, signed, rate_pct and days."""
    allow("layers")
    return jsonify(list_projects(get_read_session(), query.street or ""))


@answers(RenewalProgress)
@api.get("/renewal/projects/<int:project_id>")
def get_project(path: ProjectPath):  # type: ignore[no-untyped-def]
    """A project's progress per building, per work group and per day."""
    return jsonify(_shown(project(get_read_session(), path.project_id)))


@answers(ok=Answer(media={GEOJSON: FeatureCollection}))
@api.get("/renewal/projects/<int:project_id>/buildings.geojson")
def get_project_geojson(path: ProjectPath):  # type: ignore[no-untyped-def]
    """The project's buildings with their share signed."""
    allow("layers")
    return Response(
        project_geojson(get_read_session(), path.project_id), mimetype="application/geo+json"
    )


@answers(SigningsReport)
@api.post("/renewal/projects/<int:project_id>/signings")
def post_signings(path: ProjectPath, body: Signings):  # type: ignore[no-untyped-def]
    """Record households' signatures; each row accepted or rejected with its reason."""
    caller = current_caller()
    s = get_session()
    may_sign_renewal(caller, project(s, path.project_id)["compound"]["code"])
    report = record_signings(
        s, path.project_id, [r.model_dump() for r in body.signings], caller.name
    )
    s.commit()
    return jsonify(report)


SHEETS: dict[str, tuple[str, dict[str, str]]] = {
    "buildings": (
        "楼幢",
        {
            "name": "楼幢",
            "households": "户数",
            "signed": "已签约",
            "rate_pct": "签约率(%)",
            "group": "工作组",
            "representative": "楼幢代表",
            "last_signed_on": "最后签约日",
        },
    ),
    "groups": (
        "工作组",
        {
            "name": "工作组",
            "buildings": "楼幢",
            "households": "户数",
            "signed": "已签约",
            "rate_pct": "签约率(%)",
            "last_signed_on": "最后签约日",
        },
    ),
    "daily": (
        "每日进度",
        {
            "date": "日期",
            "since_mobilisation": "动员后天数",
            "signed": "当日签约",
            "cumulative": "累计签约",
            "rate_pct": "累计签约率(%)",
        },
    ),
}


def _shown(p: RenewalProgress) -> RenewalProgress:
    """The project as the caller may see it: the buildings' representatives (residents) by
    name only to those who may record its signings, masked to everyone else."""
    caller = allow("layers")
    if not allowed(may_sign_renewal, caller, p["compound"]["code"]):
        for b in p["buildings"]:
            b["representative"] = mask_name(b.get("representative"))
    return p


def _table(p: Mapping[str, Any], key: str) -> pd.DataFrame:
    _, columns = SHEETS[key]
    df = pd.DataFrame(p[key], columns=list(columns))
    if key == "groups":
        df["buildings"] = df["buildings"].map("、".join)
    return df.rename(columns=columns)


@answers(ok=Answer(media={CSV: str, XLSX: bytes}))
@api.get("/renewal/projects/<int:project_id>/export")
def export(path: ProjectPath, query: ExportQuery):  # type: ignore[no-untyped-def]
    """The progress tables: CSV (UTF-8 with BOM, for Excel) or XLSX with a sheet each."""
    p = _shown(project(get_read_session(), path.project_id))
    name = f"renewal-{path.project_id}"
    if query.format == "csv":
        buf = io.StringIO()
        sheet_safe(_table(p, query.table)).to_csv(
            buf, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
        )
        return Response(
            "\ufeff" + buf.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={name}-{query.table}.csv"},
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.xlsx"
        for key, (sheet, _) in SHEETS.items():
            pyogrio.write_dataframe(sheet_safe(_table(p, key)), out, driver="XLSX", layer=sheet)
        data = out.read_bytes()
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={name}.xlsx"},
    )
