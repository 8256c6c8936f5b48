"""The dispatcher's desk and the notices' sender (issue #29), against same-run floors.

    .venv/bin/python bench/cases.py [--skip-scale10] [--runs 30] [--notices 10000]

On the demo database `gridmap` and the synthetic `gridmap_scale10` (built if missing):
  - each queue of the desk (待立案 … 挂账), a filtered list (category and community) and a deep
    page (the 21st of 50, reached by its cursor), for a street's account and for the district: p50
    and p99 of GET /api/v1/cases's query (geo/cases/desk.py, in this process), against the floor:
    the same rows read by their primary key (one query, the same page's ids);
  - the warnings of every open case, counted by queue (the desk's queue counts);
  - the sender (ops/notify.py): N notices to a webhook on this machine that refuses every
    other call, delivered with the sender's threads; notices a second, lost, doubled.
Goals (the issue): the lists at most 3x their floor, p99 under 200 ms at 10^6 cases; the
warnings under 1 s at 10^6; the sender at least 500 a second, none lost, none doubled.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import ops.notify  # noqa: E402
from bench.districts import district  # noqa: E402
from geo.cases.desk import QUEUES, list_cases, queue_counts  # noqa: E402
from geo.cases.notices import notify, write_warnings  # noqa: E402
from ops.notify import add_webhook, run  # noqa: E402


def timed(fn: Any, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return round(
        statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 2 else max(values), 2
    )


def lists(engine: Engine, runs: int) -> dict[str, Any]:
    with Session(engine) as s:
        street = s.execute(text("SELECT min(street_code) FROM cases")).scalar_one()
        community = s.execute(
            text("SELECT community_code FROM cases WHERE street_code = :s LIMIT 1"), {"s": street}
        ).scalar_one()
        category = s.execute(text("SELECT min(category_code) FROM cases")).scalar_one()
        total = s.execute(text("SELECT count(*) FROM cases")).scalar_one()
    asks: dict[str, tuple[list[str] | None, dict[str, Any], int]] = {}
    for who, areas in (("street", [street + "%"]), ("district", None)):
        for q in QUEUES:
            asks[f"{who} {q}"] = (areas, {"queue": q}, 0)
        asks[f"{who} category+community"] = (areas, {"category": category, "area": community}, 0)
        asks[f"{who} page 20"] = (areas, {}, 1000)
    out: dict[str, Any] = {"cases": total}
    worst = 0.0
    with Session(engine) as s:
        for name, (areas, f, depth) in asks.items():
            after = None  # the cursor of the page `depth` rows down, followed page by page
            for _ in range(depth // 50):
                after = list_cases(s, areas, f, 50, after)["next"]
            page = list_cases(s, areas, f, 50, after)
            ids = [i["id"] for i in page["items"]]
            ours = timed(lambda a=areas, f=f, c=after: list_cases(s, a, f, 50, c), runs)
            floor = timed(
                lambda ids=ids: s.execute(
                    text(
                        "SELECT c.*, k.name, u.name FROM cases c "
                        "JOIN categories k ON k.code = c.category_code "
                        "LEFT JOIN units u ON u.code = c.unit_code WHERE c.id = ANY(:ids)"
                    ),
                    {"ids": ids},
                ).all(),
                runs,
            )
            ratio = statistics.median(ours) / max(statistics.median(floor), 1e-6)
            worst = max(worst, ratio)
            out[name] = {
                "rows": page["total"],
                "p50_ms": p(ours, 50),
                "p99_ms": p(ours, 99),
                "floor_p50_ms": p(floor, 50),
                "ratio": round(ratio, 2),
            }
        warn = timed(lambda: queue_counts(s, None), max(3, runs // 5))
        out["warnings of every open case (district queue counts)"] = {
            "p50_ms": p(warn, 50),
            "max_ms": round(max(warn), 2),
        }
    out["worst ratio to floor"] = round(worst, 2)
    return out


class Flaky:
    """A webhook that refuses each notice's first call (half the calls) and records the
    notices it took."""

    def __init__(self) -> None:
        self.taken: list[int] = []
        self.refused: set[int] = set()
        self.calls = 0
        lock = threading.Lock()
        me = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # kept alive, as a real gateway's

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                notice = json.loads(body)["id"]
                with lock:
                    me.calls += 1
                    refuse = notice not in me.refused
                    if refuse:
                        me.refused.add(notice)
                    else:
                        me.taken.append(notice)
                self.send_response(500 if refuse else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/bench"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def sender(engine: Engine, n: int) -> dict[str, Any]:
    hook = Flaky()
    with Session(engine) as s:  # the time-limit warnings are written first, not during the run
        write_warnings(s, datetime.now(UTC))
        add_webhook(s, hook.url)
        first = s.execute(text("SELECT COALESCE(max(id), 0) FROM notices")).scalar_one()
        for i in range(n):
            notify(s, "dispatched", i + 1, unit="UBENCH", detail={"bench": True})
        s.commit()
    # a refusal's back-off is 2 s and up; here none, so the run measures the sender's pace
    # and not the wait
    ops.notify.BACKOFF_S = 0.0
    stop = threading.Event()
    t0 = time.perf_counter()
    worker = threading.Thread(target=run, args=(engine, stop, 0.05), daemon=True)
    worker.start()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        mine = [i for i in hook.taken if i > first]
        if len(set(mine)) >= n:
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    stop.set()
    mine = [i for i in hook.taken if i > first]
    with Session(engine) as s:  # the bench's notices and webhook go
        s.execute(text("DELETE FROM notices WHERE id > :f AND unit_code = 'UBENCH'"), {"f": first})
        s.execute(text("DELETE FROM webhooks WHERE url = :u"), {"u": hook.url})
        s.commit()
    floor_hook = Flaky()  # the floor: the same calls to the same kind of webhook, no database
    t1 = time.perf_counter()
    with requests.Session() as http:
        for i in range(2 * n):
            http.post(floor_hook.url, data=json.dumps({"id": i}).encode(), timeout=5)
    floor_s = time.perf_counter() - t1
    return {
        "notices": n,
        "floor_per_second (the same 2n calls, one thread, no database)": round(n / floor_s, 1),
        "seconds": round(seconds, 2),
        "per_second": round(len(set(mine)) / seconds, 1),
        "lost": n - len(set(mine)),
        "doubled": len(mine) - len(set(mine)),
        "webhook calls (half refused)": hook.calls,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-scale10", action="store_true")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--notices", type=int, default=10_000)
    args = ap.parse_args()
    figures: dict[str, Any] = {}
    for db in ("gridmap",) if args.skip_scale10 else ("gridmap", "gridmap_scale10"):
        _, engine = district(db)
        figures[db] = {"desk": lists(engine, args.runs)}
        if db == "gridmap":
            figures[db]["sender"] = sender(engine, args.notices)
        engine.dispose()
    print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
