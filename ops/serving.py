"""How gridmap is served: gunicorn with the worker of ops/worker.py, the same for `gridmap
serve`, the benches and the tests."""

from __future__ import annotations

import sys

# the app each serving process loads: the app, warmed (webmap.served_app)
APP = "webmap:served_app()"


def gunicorn_command(
    app: str, bind: str, workers: int, threads: int = 4, timeout: int = 30
) -> list[str]:
    """The gunicorn command line serving `app` (a WSGI app spec such as APP):
    `timeout` seconds of silence from a worker before gunicorn restarts it."""
    return [  # as a module of this interpreter: wherever it is installed, with gridmap
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "ops.worker.Worker",
        "--logger-class",
        "ops.worker.JsonLogger",
        "--threads",
        str(threads),
        "--no-sendfile",  # every answer goes through the worker's send deadline (ops/worker.py)
        "--bind",
        bind,
        "--timeout",
        str(timeout),
        app,
    ]
