"""The one format of every log line gridmap writes, the app's (webmap/observe.py) and
gunicorn's own (ops/worker.JsonLogger): a JSON object per line."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # made once (json.dumps makes one a call)


class JsonLines(logging.Formatter):
    """One JSON object per record; an access record's fields are its own keys. request_id:
    the request being served when a record carries none (webmap/observe.py gives Flask's)."""

    FIELDS = ("method", "path", "endpoint", "status", "ms", "caller", "address")

    def __init__(self, request_id: Callable[[], str | None] = lambda: None) -> None:
        super().__init__()
        self._request_id = request_id

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or self._request_id(),
            "message": record.getMessage(),
        }
        given = record.__dict__
        out |= {k: given[k] for k in self.FIELDS if k in given}
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return _ENCODE(out)
