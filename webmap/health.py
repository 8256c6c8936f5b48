"""GET /healthz: the database answers, PostGIS version, and what is loaded."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from webmap.db import get_session

bp = Blueprint("health", __name__)

COUNTED = ("streets", "communities", "grids", "compounds", "business_communities", "buildings",
           "open_blocks", "facilities", "workers", "road_edges", "cases")


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    s = get_session()
    version = s.execute(text("SELECT postgis_lib_version()")).scalar_one()
    # Table names come from the fixed tuple above, never from the request.
    counts_sql = " UNION ALL ".join(
        f"SELECT '{t}' AS tbl, count(*) AS n FROM {t}" for t in COUNTED  # noqa: S608
    )
    counts = {row.tbl: int(row.n) for row in s.execute(text(counts_sql))}
    return jsonify(status="ok", postgis=version, counts=counts)
