"""GET /healthz: the database answers, PostGIS version, and what is loaded."""

from __future__ import annotations

from flask import Blueprint, jsonify

from geo.stats import count_rows, postgis_version
from webmap.db import get_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    s = get_session()
    return jsonify(status="ok", postgis=postgis_version(s), counts=count_rows(s))
