"""Before every view: the body's size limit (a 413 beyond it, before anything is read), and the
input rule (geo/text.py) on what reaches a view outside its schema: the path, the query string
and form fields, and a JSON API query parameter given twice (which the views would read
once); JSON bodies are checked by the schemas (webmap/schemas.py) and batch files
cell by cell (data/load/case_batch.py)."""

from __future__ import annotations

import re

from flask import Flask, request

from geo.errors import BadInput
from geo.text import require_clean
from webmap.db import get_settings

BATCH_PATH = "/api/v1/cases/batch"
# the requests that may carry photos: a case's report (JSON, Open311) and a case's photo
UPLOADS = re.compile(r"^/api/v1/cases(/\d+/media)?$|^/open311/v2/requests\.[a-z]+$")


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def check_request() -> None:
    settings = get_settings()
    path = request.path
    if path == BATCH_PATH:
        request.max_content_length = settings.max_batch_bytes
    elif request.method == "POST" and UPLOADS.match(path):
        request.max_content_length = settings.max_upload_bytes
    else:
        request.max_content_length = settings.max_body_bytes
    require_clean(path, "path")
    args = request.args
    if path.startswith("/api/"):  # no query parameter of the JSON API is a list
        twice = [k for k, vs in args.lists() if len(vs) > 1]
        if twice:
            raise BadInput(f"查询参数 {'、'.join(twice)} 只能给一次")
    # only a form body has form fields (reading request.form parses nothing else)
    sources = (
        (("query", args), ("form", request.form))
        if request.mimetype in FORMS
        else (("query", args),)
    )
    for where, values in sources:
        # a multipart part whose name does not decode is named None
        for key, vals in values.lists():
            require_clean(key or "", f"{where} parameter name")
            for value in vals:
                require_clean(value or "", f"{where} parameter {key}")


def init_app(app: Flask) -> None:
    app.before_request(check_request)
