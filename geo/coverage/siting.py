"""New-site suggestions: greedy maximal coverage over candidate sites (PostGIS + pgRouting).

Uses the walking network and the coverage rule of geo/coverage/coverage.py: a compound counts as
reached
by a candidate within threshold_m metres along the network, snap legs included.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.coverage.answers import Suggestion, SuggestionSitesItem
from geo.coverage.coverage import Site, coverage, reach_table
from geo.sql.loader import query

CANDIDATES = query("coverage/siting", "candidates")


def suggest(
    session: Session, kind: str, threshold_m: float, k: int, candidates: Sequence[Site] = ()
) -> Suggestion:
    """Greedy maximal coverage: k new sites among candidates that cover the most households
    not covered today. Greedy is within 1 − 1/e (63 %) of the optimum for this problem.

    Candidates: the given points, else every open block and community (a point on each).
    """
    base = coverage(session, kind, threshold_m)
    uncovered = {c["code"]: c["households"] for c in base["compounds"] if not c["covered"]}
    if not candidates:
        candidates = [Site(r.lon, r.lat, r.name) for r in session.execute(text(CANDIDATES))]
    reach = _candidate_reach(session, candidates, threshold_m, set(uncovered))
    picked: list[SuggestionSitesItem] = []
    left = dict(uncovered)
    for _ in range(k):
        best = max(
            range(len(candidates)), key=lambda i: (sum(left.get(c, 0) for c in reach[i]), -i)
        )
        gain = sum(left.get(c, 0) for c in reach[best])
        if gain == 0:
            break
        site = candidates[best]
        picked.append(
            {
                "lon": round(site.lon, 6),
                "lat": round(site.lat, 6),
                "label": site.label,
                "households_gained": gain,
                "compounds": sorted(c for c in reach[best] if c in left),
            }
        )
        for c in reach[best]:
            left.pop(c, None)
    return {
        "kind": kind,
        "threshold_m": threshold_m,
        "k": k,
        "candidates": len(candidates),
        "uncovered_households_before": sum(uncovered.values()),
        "uncovered_households_after": sum(left.values()),
        "sites": picked,
        "method": "greedy maximal coverage (≥ 63 % of the optimum, 1 − 1/e)",
    }


def _candidate_reach(
    session: Session, candidates: Sequence[Site], threshold_m: float, wanted: set[str]
) -> list[set[str]]:
    """For every candidate, the wanted compounds within threshold_m along the network (as
    coverage counts them): one query."""
    reach: list[set[str]] = [set() for _ in candidates]
    refs = [str(i) for i in range(len(candidates))]
    for r in reach_table(
        session, None, (), candidates, threshold_m, straight=False, refs=refs, with_refs=True
    ):
        if r.code in wanted:
            for ref in r.refs or ():
                reach[int(ref)].add(r.code)
    return reach
