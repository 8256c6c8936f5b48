"""Health for operators and orchestrators (docs/operations.md):

- GET /livez: the process answers (no database): restart it when this fails.
- GET /readyz: ready for traffic: the database answers, its schema is at the newest migration
  this code ships, and no derived table is stale (200), else 503 with what is not.
- GET /healthz: the database answers, PostGIS version, and what is loaded.
"""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from geo.migrate import alembic_config
from geo.stats import count_rows, postgis_version
from webmap.db import get_read_session, get_session

bp = Blueprint("health", __name__)


@cache
def code_head() -> str:
    """The newest migration this code ships."""
    return str(ScriptDirectory.from_config(alembic_config("postgresql://")).get_current_head())


@bp.get("/livez")
def livez() -> Response:
    return jsonify(status="alive")


@bp.get("/readyz")
def readyz() -> Response:
    s = get_read_session()
    problems = []
    at = s.execute(text("SELECT max(version_num) FROM alembic_version")).scalar()
    if at != code_head():
        problems.append(f"schema at migration {at}, code needs {code_head()}: run gridmap migrate")
    stale = s.execute(text("SELECT name FROM derived_tables WHERE stale ORDER BY name")).scalars()
    problems += [f"derived table {name} is stale (being rebuilt)" for name in stale]
    body: dict[str, object] = {"status": "not ready" if problems else "ready", "problems": problems}
    body |= {"migration": at}
    resp = jsonify(body)
    resp.status_code = 503 if problems else 200
    return resp


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    s = get_session()
    return jsonify(status="ok", postgis=postgis_version(s), counts=count_rows(s))
