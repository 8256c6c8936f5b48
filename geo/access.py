"""Who may see and do what: the one place roles and areas are checked.

A caller is an account (signed in, through an API key bound to it, or named by the identity
service's proxy header) or anonymous. Each role may take some actions (MAY); an action on a
case also needs the case inside one of the account's areas. An area is a code, and covers
what its code begins: the district 330105 covers every street 330105xxx, a community its
grids and compounds (330105001001 → 330105001001001, 330105001001XQ001), a business community
its buildings. A case is inside an area when its grid or its zone is.

Reporters' names and phones are shown only to PERSONAL roles inside their areas; anyone else
allowed to read a case sees it masked. Anonymous callers read only Open311's masked list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from geo.errors import Forbidden, NotAuthenticated
from geo.vocabulary import ROLES

ALL = frozenset(ROLES)
STAFF = frozenset({"admin", "street", "community"})
# a department reads the cases dispatched to its units; a rider reports, and reads no case
CASE_READERS = ALL - {"planner", "rider"}
MAY: dict[str, frozenset[str]] = {
    "locate": ALL,
    "search": ALL,
    "layers": ALL,
    "case.create": ALL - {"planner", "department"},
    # riders (外卖小哥): their own points; staff and command read their 驿站's and redeem
    "rider.read": STAFF | {"command", "rider"},
    "rider.redeem": STAFF,
    "case.read": CASE_READERS,
    "case.map": CASE_READERS - {"department"},  # the cases layer; a department has its desk
    "case.transition": STAFF | {"command", "grid_worker", "department"},
    # the command centre's steps (geo/cases/steps.py): 立案, 派遣, 督办 by staff and command; 挂账
    # by staff; 核查 by anyone but the one who did the work (the rule is the step's)
    "case.dispatch": STAFF | {"command"},
    "case.supervise": STAFF | {"command"},
    "case.park": STAFF,
    "case.verify": STAFF | {"command", "grid_worker", "inspector"},
    "units": ALL,
    # patrols (巡查): a grid worker records their own; staff and command read their areas'
    "patrol.record": frozenset({"grid_worker"}),
    "patrol.read": STAFF | {"command", "grid_worker"},
    "case.batch": STAFF,
    "coverage": STAFF | {"planner", "command"},
    "stats": STAFF | {"command"},
    "audit": frozenset({"admin"}),
    "compound.edit": STAFF | {"compound_commissioner"},
    "meeting.edit": STAFF | {"compound_commissioner", "building_commissioner"},
    # a recurring place (事件预警) put to its place's next 议事会, from the cockpit
    "meeting.propose": STAFF | {"command"},
    "renewal.sign": STAFF | {"compound_commissioner"},
    "visit.request": STAFF | {"command", "department"},
    "visit.read": STAFF | {"command", "department", "building_commissioner"},
    "visit.record": STAFF | {"building_commissioner"},
    "need.edit": STAFF | {"building_commissioner"},
    "page.renewal": STAFF | {"command", "compound_commissioner"},
    "accounts": frozenset({"admin"}),
    "page.cockpit": STAFF | {"command"},
    # a rider's phone is the worker page's report form and their points
    "page.worker": STAFF
    | {"grid_worker", "compound_commissioner", "building_commissioner", "rider"},
    "page.planner": STAFF | {"planner", "command"},
    "page.visits": STAFF | {"command", "building_commissioner"},
    # the desk: everyone who works cases (its queues and buttons are the caller's own)
    "page.desk": CASE_READERS,
}
PERSONAL = frozenset({"admin", "street", "community", "grid_worker"})
# A grid worker's own moves on the cases of their grids; dispatch is the staff's.
WORKER_MOVES = frozenset({"accepted", "resolved", "returned"})


class Account(Protocol):
    """What access reads of an account (geo/accounts/accounts.py's Account is one)."""

    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def areas(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def worker_id(self) -> str | None: ...
    @property
    def must_change_password(self) -> bool: ...


@dataclass(frozen=True)
class Caller:
    account: Account | None  # None: anonymous
    via: str  # session | key | proxy | basic (HTTP Basic: a key or a password) | anonymous
    address: str
    key_id: int | None = None

    @property
    def role(self) -> str | None:
        return self.account.role if self.account else None

    @property
    def name(self) -> str:
        return self.account.username if self.account else f"anonymous@{self.address}"

    @property
    def scope(self) -> str:
        """Whose idempotency keys these are: the key, the account, or the anonymous address."""
        if self.key_id is not None:
            return f"key:{self.key_id}"
        if self.account is not None:
            return f"account:{self.account.id}"
        return f"anonymous:{self.address}"

    def patterns(self) -> list[str] | None:
        """The account's areas as SQL LIKE patterns; None: the whole district (admin)."""
        assert self.account is not None
        if self.account.role == "admin":
            return None
        return [code + "%" for _, code in self.account.areas]


def require(caller: Caller, action: str) -> Account:
    """The caller's account if its role may take the action: 401 if anonymous, 403 if not."""
    if caller.account is None:
        raise NotAuthenticated("请先登录（或提供 API 密钥 X-API-Key）")
    signed_by_password = caller.via == "session" or (caller.via == "basic" and not caller.key_id)
    if caller.account.must_change_password and signed_by_password:
        raise Forbidden("首次登录须先修改密码（POST /api/v1/session/password）")
    if caller.account.role not in MAY[action]:
        raise Forbidden(f"角色「{ROLES[caller.account.role]}」无权进行此操作（{action}）")
    return caller.account


def may_read_layer(caller: Caller, action: str) -> None:
    """401/403 unless the caller may read map layers and this layer's own action (its
    registry entry's `access`: `case.read` for cases, `coverage` for walking areas)."""
    require(caller, "layers")
    require(caller, action)


def covers(
    caller: Caller, grid_code: str | None, zone_code: str | None, unit_code: str | None = None
) -> bool:
    """Whether a place (its grid and zone) is inside one of the caller's areas, or a case's
    unit is one of them (a department's areas are its units' codes, U…)."""
    patterns = caller.patterns()
    if patterns is None:
        return True
    places = (grid_code, zone_code, unit_code)
    if caller.role == "department":  # its areas are units: a case's place alone is not its
        places = (None, None, unit_code)
    return any((code or "").startswith(p[:-1]) for p in patterns for code in places if code)


def may_read_area_stats(caller: Caller, code: str) -> None:
    """Aggregate figures (counts and rates, no person) of an area: the district's ('') for
    every role with `stats`, as they are the published ones; a street's, community's or
    business community's for callers whose areas lie inside it or hold it (a community's
    staff see their street's and district's figures, not another street's)."""
    require(caller, "stats")
    patterns = caller.patterns()
    if not code or patterns is None:
        return
    if not any(code.startswith(p[:-1]) or p[:-1].startswith(code) for p in patterns):
        raise Forbidden("该区域不在您的辖区内，也不包含您的辖区")


def allowed(decision: Callable[..., Any], *args: Any) -> bool:
    """Whether a decision passes, for a read that shows more to some callers than to others
    (allowed(may_sign_renewal, caller, code)): True, or False where it would refuse."""
    try:
        decision(*args)
    except (Forbidden, NotAuthenticated):
        return False
    return True


def case_view(
    caller: Caller, grid_code: str | None, zone_code: str | None, unit_code: str | None = None
) -> bool:
    """May the caller read this case: True for in full, False for masked; 403 if not."""
    account = require(caller, "case.read")
    if not covers(caller, grid_code, zone_code, unit_code):
        raise Forbidden("该案件不在您的辖区内")
    return account.role in PERSONAL


def may_move(
    caller: Caller, grid_code: str | None, zone_code: str | None, unit_code: str | None, to: str
) -> None:
    """403 unless the caller may move a case of this place (and unit) to `to`. Closing a
    resolved case is its verification (核查), the verifiers' (case.verify)."""
    if to == "closed":
        require(caller, "case.verify")
        if not covers(caller, grid_code, zone_code, unit_code):
            raise Forbidden("该案件不在您的辖区内")
        return
    account = require(caller, "case.transition")
    if not covers(caller, grid_code, zone_code, unit_code):
        raise Forbidden("该案件不在您的辖区内")
    if account.role in ("grid_worker", "department") and to not in WORKER_MOVES:
        raise Forbidden(f"{ROLES[account.role]}只能受理、办结或退回派给自己的案件")


def in_area(caller: Caller, code: str, refusal: str) -> None:
    """403 (with `refusal`) unless the place `code` (a grid, zone, building …) is inside one of
    the caller's areas."""
    if not covers(caller, None, code):
        raise Forbidden(refusal)


def require_case(
    caller: Caller,
    action: str,
    grid_code: str | None,
    zone_code: str | None,
    unit_code: str | None = None,
) -> None:
    """403 unless the caller may take `action` on a case of this place (its grid and zone)
    or dispatched to one of its units."""
    require(caller, action)
    if not covers(caller, grid_code, zone_code, unit_code):
        raise Forbidden("该案件不在您的辖区内")


# Compounds' three parties (三方协同): staff of the compound's area and its commissioner edit
# them; only staff name the commissioner.
def may_edit_compound(caller: Caller, code: str, names_commissioner: bool) -> None:
    """403 unless the caller may edit compound `code`'s three parties (and, if asked, name its
    commissioner)."""
    require(caller, "compound.edit")
    in_area(caller, code, f"小区 {code} 不在您的辖区内")
    if names_commissioner and caller.role not in STAFF:
        raise Forbidden("只有街道、社区工作人员可以指定小区专员")


def may_sign_renewal(caller: Caller, compound_code: str) -> None:
    """403 unless the caller may record signings of a renewal project in this compound."""
    require(caller, "renewal.sign")
    in_area(caller, compound_code, "该项目不在您的辖区内")


def may_edit_meeting(caller: Caller, place_code: str) -> None:
    """403 unless the caller may hold or edit a meeting at this place."""
    require(caller, "meeting.edit")
    in_area(caller, place_code, "该议事地点不在您的辖区内")


def may_propose_meeting(caller: Caller, place_code: str) -> None:
    """403 unless the caller may put a topic to a meeting at this place (the cockpit's one
    click on a recurring place): staff and the command centre of its area."""
    require(caller, "meeting.propose")
    in_area(caller, place_code, "该议事地点不在您的辖区内")


# Visits and the three lists: a building commissioner sees their own day and records their own
# visits; staff do so for the buildings of their areas.
def may_read_route(caller: Caller, commissioner: str) -> str:
    """Whose day the caller may read (`commissioner`, or themselves when empty); 403 when a
    building commissioner asks for someone else's."""
    require(caller, "visit.read")
    me = caller.account.username if caller.account else ""
    who = commissioner or me
    if caller.role == "building_commissioner" and who != me:
        raise Forbidden("楼宇专员只能查看自己的走访路线")
    return who


def may_read_visit(caller: Caller, commissioner: str) -> None:
    """403 unless the caller may read this visit: a building commissioner only their own (as
    with their day's route), the other readers of visits any."""
    require(caller, "visit.read")
    mine = caller.account is not None and commissioner == caller.account.username
    if caller.role == "building_commissioner" and not mine:
        raise Forbidden("楼宇专员只能查看自己的走访")


def may_record_visit(caller: Caller, commissioner: str, building_code: str) -> None:
    """403 unless the caller is the visit's commissioner, or staff of the building's area."""
    require(caller, "visit.record")
    mine = caller.account is not None and commissioner == caller.account.username
    if not mine and not (caller.role in STAFF and covers(caller, None, building_code)):
        raise Forbidden("只有该企业所在楼宇的楼宇专员或辖区工作人员可以登记走访结果")


def may_edit_need(caller: Caller, building_code: str) -> None:
    """403 unless the caller may assign or close a need of a firm in this building."""
    require(caller, "need.edit")
    in_area(caller, building_code, "该企业不在您的辖区内")
