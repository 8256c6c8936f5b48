"""Case intake, reading and lifecycle under /api/v1/cases."""

from __future__ import annotations

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from geo.cases import NewCase, create_case, get_case, transition
from geo.errors import NotFound
from webmap.auth import optional_key, require_key
from webmap.db import get_session, get_settings
from webmap.schemas import AuthHeaders, CaseHeaders, CaseIn, CasePath, TransitionIn

api = APIBlueprint("cases", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="cases")])


@api.post("/cases")
def post_case(body: CaseIn, header: CaseHeaders):  # type: ignore[no-untyped-def]
    """Report a case; it is assigned at once. Retries with the same Idempotency-Key are safe."""
    s = get_session()
    new = NewCase(
        lon=body.lon,
        lat=body.lat,
        crs=body.crs,
        category=body.category,
        description=body.description,
        address=body.address,
        reporter_name=body.reporter.name if body.reporter else None,
        reporter_phone=body.reporter.phone if body.reporter else None,
    )
    intake = create_case(s, get_settings(), new, header.idempotency_key)
    s.commit()
    out = get_case(s, intake.id)
    assert out is not None
    out["possible_duplicates"] = intake.duplicates
    resp = jsonify(out)
    resp.status_code = 201 if intake.created else 200
    resp.headers["Location"] = f"/api/v1/cases/{intake.id}"
    if not intake.created:
        resp.headers["Idempotent-Replayed"] = "true"
    return resp


@api.get("/cases/<int:case_id>")
def read_case(path: CasePath, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """A case with its assignment and event trail; the reporter is masked except for the
    case's own grid worker (an API key bound to that worker)."""
    s = get_session()
    holder = optional_key(header.api_key)
    out = get_case(s, path.case_id)
    if out is None:
        raise NotFound(f"no case {path.case_id}")
    worker = out["assignment"]["worker"]
    if holder and holder.worker_id and worker and holder.worker_id == worker["id"]:
        out = get_case(s, path.case_id, full_reporter=True)
    return jsonify(out)


@api.post("/cases/<int:case_id>/transitions")
def post_transition(path: CasePath, body: TransitionIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """Move a case through its lifecycle (API key required); invalid moves are 409."""
    holder = require_key(header.api_key)
    s = get_session()
    transition(s, path.case_id, body.to, holder.worker_id or holder.label, body.note)
    s.commit()
    return jsonify(get_case(s, path.case_id))
