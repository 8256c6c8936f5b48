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


def check_request() -> None:
    settings = get_settings()
    if request.path == BATCH_PATH:
        request.max_content_length = settings.max_batch_bytes
    elif request.method == "POST" and UPLOADS.match(request.path):
        request.max_content_length = settings.max_upload_bytes
    else:
        request.max_content_length = settings.max_body_bytes
    require_clean(request.path, "path")
    if request.path.startswith("/api/"):  # no query parameter of the JSON API is a list
        twice = [k for k in request.args if len(request.args.getlist(k)) > 1]
        if twice:
            raise BadInput(f"查询参数 {'、'.join(twice)} 只能给一次")
    for where, values in (("query", request.args), ("form", request.form)):
        for key in values:  # a multipart part whose name does not decode is named None
            require_clean(key or "", f"{where} parameter name")
            for value in values.getlist(key):
                require_clean(value or "", f"{where} parameter {key}")


def init_app(app: Flask) -> None:
    app.before_request(check_request)
