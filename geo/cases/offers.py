"""The steps a caller may take on a case now, for the pages' buttons: worked out from the same
rules the API applies (who: geo/access.py; what: the case's state, the verifier's
independence), so a page offers no step the API would refuse."""

from __future__ import annotations

from typing import Any

from geo.access import Caller, allowed, may_move, require_case
from geo.cases.steps import DISPATCHABLE
from geo.vocabulary import OPEN_STATUSES, TRANSITIONS

# The steps in the order a desk shows them, with their Chinese names.
STEP_LABELS: dict[str, str] = {
    "register": "立案",
    "refuse": "不予立案",
    "dispatch": "派遣",
    "accept": "受理",
    "resolve": "办结",
    "return": "退回",
    "extension": "申请延期",
    "decide_extension": "审批延期",
    "verify": "核查",
    "supervise": "督办",
    "park": "挂账",
}
_MOVES = {"accept": "accepted", "resolve": "resolved", "return": "returned"}


def resolver(case: Any) -> str | None:
    """Who resolved the case last: its trail's latest move to resolved, the rule of
    cases.sql's `resolver` that the verification applies (read here from the trail the answer
    already holds, in time order)."""
    moves = [e["actor"] for e in case["events"] if e["to"] == "resolved"]
    return moves[-1] if moves else None


def offers(
    caller: Caller, case: Any, place: tuple[str | None, str | None, str | None]
) -> list[str]:
    """The steps (STEP_LABELS' keys) `caller` may take on `case` (get_case's answer) at
    `place` (its grid, zone and unit)."""
    status = case["status"]
    pending = case.get("extension_hours") is not None

    def may(action: str) -> bool:
        return allowed(require_case, caller, action, *place)

    out = []
    for step in STEP_LABELS:
        if step in _MOVES:  # accept: a case sent to the unit (a failed 核查 reopens by itself)
            ok = (status == "assigned" or step != "accept") and _MOVES[step] in TRANSITIONS[status]
            ok = ok and allowed(may_move, caller, *place, _MOVES[step])
        elif step == "register":
            ok = status == "reported" and may("case.dispatch")
        elif step == "refuse":
            ok = "refused" in TRANSITIONS[status] and may("case.dispatch")
        elif step == "dispatch":
            ok = status in DISPATCHABLE and may("case.dispatch")
        elif step == "extension":
            ok = status in ("assigned", "accepted") and not pending and may("case.transition")
        elif step == "decide_extension":
            ok = pending and may("case.dispatch")
        elif step == "verify":
            ok = status == "resolved" and may("case.verify") and resolver(case) != caller.name
        elif step == "supervise":
            level = (case.get("supervision") or {}).get("level") or 0
            ok = status in OPEN_STATUSES and level < 3 and may("case.supervise")
        else:  # park
            ok = "parked" in TRANSITIONS[status] and may("case.park")
        if ok:
            out.append(step)
    return out
