"""POST /api/v1/cases/batch: CSV or GeoJSON, a per-row report."""

from __future__ import annotations

import shutil
import tempfile

from flask import jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from sqlalchemy import text

from data.load.case_batch import BatchError, mapped
from data.load.case_import import batch_source, import_cases
from geo.cases.answers import BatchReport
from geo.errors import BadInput
from webmap.auth import allow, audit_caller
from webmap.db import get_session, get_settings
from webmap.metrics import CASES
from webmap.openapi import answers
from webmap.schemas import AuthHeaders

api = APIBlueprint("batch", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="cases")])


@answers(BatchReport)
@api.post("/cases/batch")
def post_batch(header: AuthHeaders):  # type: ignore[no-untyped-def]
    """Import cases from CSV (text/csv) or GeoJSON (application/geo+json), as the request body
    or a multipart `file`. Accepted rows are committed; each rejected row is listed with why.
    A file over 100,000 rows is imported in parts, each committed on its own; sending the same
    file again imports only the parts missing, and a file imported whole already is a 409."""
    caller = allow("case.batch")
    unlisted = sorted({*request.form, *request.files} - {"file"}, key=str)
    if unlisted:  # as the description says (webmap/openapi_paths.py, BATCH_BODY)
        raise BadInput(f"表单只收 file 字段，不认识：{'、'.join(map(str, unlisted))}")
    upload = request.files.get("file")
    name = (upload.filename or "") if upload else ""
    ctype = (upload.mimetype if upload else request.mimetype) or ""
    fmt = "geojson" if ("json" in ctype or name.endswith((".geojson", ".json"))) else "csv"
    with tempfile.TemporaryFile() as f:  # the file goes to disk as it arrives, not to memory
        if upload:
            upload.save(f)
        else:
            shutil.copyfileobj(request.stream, f, 1 << 20)
        f.flush()
        with mapped(f) as data:
            if not len(data):
                raise BatchError("文件为空；请发送 CSV 或 GeoJSON")
            s = get_session()
            s.execute(text("SET LOCAL statement_timeout = 0"))  # a batch runs as it needs
            report = import_cases(
                s,
                data,
                fmt,
                source=batch_source(caller.name),
                snap_m=get_settings().snap_distance_m,
                areas=caller.patterns(),
            )  # a domain error leaves with nothing written: the session is rolled back
    audit_caller(s, "case.batch", detail={"rows": report.rows, "accepted": report.accepted})
    s.commit()
    CASES.labels("batch").inc(report.accepted)
    return jsonify(report.as_dict())
