"""How gridmap is served: gunicorn with the worker of ops/worker.py, the same for `gridmap
serve`, the benches and the tests."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def gunicorn_command(app: str, bind: str, workers: int, threads: int = 4) -> list[str]:
    """The gunicorn command line serving `app` (a WSGI app spec such as webmap:create_app())."""
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    return [
        gunicorn,
        "--workers",
        str(workers),
        "--worker-class",
        "ops.worker.Worker",
        "--threads",
        str(threads),
        "--bind",
        bind,
        app,
    ]
