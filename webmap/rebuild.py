"""Queued rebuilds of stale derived tables, off the request path.

A reader that finds a derived table stale answers 503 with Retry-After (geo/coverage/derived.py's
Rebuilding) and queues a rebuild here: one background thread per process does it in its own
transaction and commits; a transaction-level advisory lock keeps workers from rebuilding the
same tables at once (the second finds them fresh).
"""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy.orm import Session

from geo.coverage.derived import rebuild_stale

_running = threading.Lock()


def queue_rebuild(app: Flask) -> bool:
    """Start a rebuild unless this process is running one; return whether one was started."""
    if not _running.acquire(blocking=False):
        return False
    engine = app.extensions["gridmap.engine"]
    reach_m = app.extensions["gridmap.settings"].coverage_reach_m

    def run() -> None:
        try:
            with Session(engine) as s:
                rebuild_stale(s, reach_m)
                s.commit()
        except Exception:
            app.logger.exception("rebuild of derived tables failed")
        finally:
            _running.release()

    threading.Thread(target=run, name="gridmap-rebuild", daemon=True).start()
    return True
