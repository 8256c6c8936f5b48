"""Visits with the least disturbance, measured on the demo (issue #18):

    .venv/bin/python bench/visits.py [--per-day 8] [--commissioners 120]

1. Disturbance: the demo year's requests against the visits they became, and visits per firm
   per month (GET /api/v1/stats/business's figures, from geo.business.visits.business_stats).
2. Routes: every building commissioner gets the requests of `--per-day` of their firms for one
   working day a month ahead, filed through the dispatcher; each day is walked from the
   commissioner's station over the coverage graph in the route's order and in filing order.
   Prints the totals, the saving, metres per visit, and the time one route takes (median).
Nothing is kept: the requests are rolled back.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.districts import district  # noqa: E402
from geo.business.routes import day_route  # noqa: E402
from geo.business.settings import load_business_settings  # noqa: E402
from geo.business.visits import business_stats, file_request  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-day", type=int, default=8)
    ap.add_argument("--commissioners", type=int, default=120)
    args = ap.parse_args()
    gap = load_business_settings().visit_gap_days
    _, engine = district("gridmap")
    with Session(engine) as s:
        st = business_stats(s, "")
        print("Demo year (GET /api/v1/stats/business):")
        print(
            f"  requests {st['requests']:,} → visits {st['visits']:,}: "
            f"{st['disturbance_saved']:,} visits saved "
            f"({100 * st['disturbance_saved'] / max(1, st['requests']):.1f} % of requests)"
        )
        print(
            f"  in the months a firm is visited: {st['visits_per_firm_month']} visits, "
            f"{st['requests_per_firm_month']} requests per firm"
        )
        print(
            f"  key taxpayers covered {st['key_taxpayer_coverage_pct']} %, needs closed "
            f"{st['closure_rate_pct']} %"
        )
        day = date.today() + timedelta(days=35)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        people = (
            s.execute(
                text(
                    "SELECT username FROM accounts WHERE role = 'building_commissioner' "
                    "ORDER BY username LIMIT :n"
                ),
                {"n": args.commissioners},
            )
            .scalars()
            .all()
        )
        route = filing = stops = 0.0
        times, better = [], 0
        for who in people:
            firms = s.execute(
                text(
                    "SELECT f.code FROM firms f JOIN account_areas r ON f.building_code LIKE "
                    "r.code || '%' JOIN accounts a ON a.id = r.account_id WHERE a.username = :u "
                    "AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.firm_code = f.code "
                    "AND abs(v.visit_on - CAST(:d AS date)) < :gap) ORDER BY md5(f.code) LIMIT :k"
                ),
                {"u": who, "d": day, "gap": gap, "k": args.per_day},
            ).scalars()
            for code in firms:
                req = {
                    "firm": code,
                    "department": "市场监管",
                    "purpose": "bench",
                    "earliest": day,
                    "latest": day,
                    "urgent": False,
                }
                file_request(s, req, "bench", gap, date.today())
            t0 = time.perf_counter()
            r = day_route(s, who, day)
            times.append(time.perf_counter() - t0)
            route += r["route_m"]
            filing += r["filing_order_m"]
            stops += len(r["stops"])
            better += r["route_m"] < r["filing_order_m"] - 0.5
        s.rollback()
    print(f"Routes on {day} ({len(people)} commissioners, {int(stops)} visits):")
    print(
        f"  walking in route order {route / 1000:,.1f} km, in filing order {filing / 1000:,.1f} km"
    )
    print(
        f"  saved {(filing - route) / 1000:,.1f} km ({100 * (filing - route) / filing:.1f} %); "
        f"shorter on {better} of {len(people)} days, never longer"
    )
    print(
        f"  {route / max(1, stops):,.0f} m per visit in route order, "
        f"{filing / max(1, stops):,.0f} m in filing order"
    )
    print(
        f"  one route: median {1000 * statistics.median(times):.0f} ms, "
        f"max {1000 * max(times):.0f} ms"
    )


if __name__ == "__main__":
    main()
