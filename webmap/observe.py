"""What operators watch (docs/operations.md): a request id, JSON log lines, Prometheus metrics.

- Every request gets an id: the caller's `X-Request-ID` when it is a plain token (a proxy in
  front may set one), else a new one; it is sent back in `X-Request-ID` and is on every log
  line written while the request runs.
- Logs are JSON, one object per line on stderr: an access line per request (method, path,
  endpoint, status, milliseconds, caller kind, address) and whatever the app logs, with the
  request id.
- GET /metrics (Prometheus text format) from the addresses in GRIDMAP_METRICS_FROM: requests and
  their latency by endpoint, cases taken in by channel, database errors, tile cache hits.
  Several gunicorn workers write their figures into one folder (PROMETHEUS_MULTIPROC_DIR, set
  by `gridmap serve`) and /metrics adds them up, whichever worker answers.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid

from flask import Blueprint, Flask, Response, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from ops.logs import JsonLines
from webmap.auth import client_address
from webmap.errors import error_response
from webmap.metrics import LATENCY, REQUESTS

_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


ACCESS = logging.getLogger("gridmap.access")


class RequestStamp(logging.Filter):
    """Puts the request id on a record when it is logged (its handler may write it later)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id()
        return True


def _handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines(request_id))
    return handler


def init_app(app: Flask) -> None:
    ACCESS.setLevel(logging.INFO)
    for logger in (app.logger, ACCESS, logging.getLogger("gridmap")):
        if not any(isinstance(f, RequestStamp) for f in logger.filters):
            logger.addFilter(RequestStamp())
    if not app.testing:  # under pytest the records go to its capture, unformatted
        for logger in (app.logger, ACCESS, logging.getLogger("gridmap")):
            if not any(isinstance(h.formatter, JsonLines) for h in logger.handlers):
                logger.handlers = [_handler()]
            logger.setLevel(logging.INFO)
            logger.propagate = False

    @app.before_request
    def start() -> None:
        given = request.environ.get("HTTP_X_REQUEST_ID", "")
        g.request_id = given if given and _TOKEN.fullmatch(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish(resp: Response) -> Response:
        rid = g.get("request_id")
        if rid is None:  # a response before before_request ran (a refused body)
            return resp
        resp.headers["X-Request-ID"] = rid
        seconds = time.perf_counter() - g.started
        method, path, status = request.method, request.path, resp.status_code
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(endpoint, method, str(status)).inc()
        LATENCY.labels(endpoint).observe(seconds)
        caller = g.get("caller")
        ACCESS.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "method": method,
                "path": path,
                "endpoint": endpoint,
                "status": status,
                "ms": round(seconds * 1000, 1),
                "caller": caller.via if caller is not None else None,
                "address": client_address(),
            },
        )
        return resp

    app.register_blueprint(bp)


bp = Blueprint("observe", __name__)


@bp.get("/metrics")
def metrics() -> Response:
    if request.remote_addr not in current_app.extensions["gridmap.settings"].metrics_from:
        return error_response(403, "metrics are served to the monitoring addresses only")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
