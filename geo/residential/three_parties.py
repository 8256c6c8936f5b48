"""Residential compounds' 三方协同 (issue #17): each compound's three parties, and indicators
with numerator and denominator at district, street or community level."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.workflow import mask_name, mask_phone
from geo.errors import NotFound, Unprocessable
from geo.meetings.meetings import compound_meetings
from geo.residential.answers import Compound, Rate, Residential
from geo.residential.renewal import list_projects
from geo.residential.words import INDICATOR_LABELS, WALKUP_FLOORS
from geo.sql.loader import query
from geo.vocabulary import DISTRICT_TZ


def _rate(numerator: int, denominator: int, per: float = 100.0) -> Rate:
    return {
        "numerator": int(numerator),
        "denominator": int(denominator),
        "rate": round(per * numerator / denominator, 2) if denominator else None,
    }


def residential_stats(session: Session, prefix: str) -> Residential:
    """The indicators of the compounds whose community's code begins `prefix` (a street's or
    a community's code; '': the district)."""
    r = session.execute(
        text(query("residential/residential", "indicators")), {"prefix": prefix}
    ).one()
    by_type = session.execute(
        text(query("residential/residential", "cases_by_type")), {"prefix": prefix}
    )
    joint = session.execute(
        text(query("residential/residential", "joint_meetings")), {"prefix": prefix}
    ).one()
    return {
        "compounds": int(r.compounds),
        "committee_formation": _rate(r.committees, r.compounds),  # 业委会 or 物管委
        "owners_committee": _rate(r.owners, r.compounds),  # 业委会 alone
        "party_branch_coverage": _rate(r.with_branch, r.compounds),  # 小区党支部
        "stairwell_branch_coverage": _rate(r.buildings_with_branch, r.residential_buildings),
        "commissioner_coverage": _rate(r.with_commissioner, r.compounds),  # 一小区一专员
        "society_coverage": _rate(r.with_society, r.compounds),  # 群众性社团
        "societies": {
            "count": int(r.societies),
            "members": int(r.society_members),
            "activities_365d": int(r.society_activities),
        },
        "property_coverage_old": _rate(r.old_with_property, r.old),
        "service_level_old": _rate(r.old_graded, r.old),  # at 丁 or better
        "reelections_due": _rate(r.reelections_due, r.committees),  # within 90 days
        # lifts added per walk-up unit; lifts renewed of those buildings came with
        "elevators_added": _rate(r.lifts_added, r.walkup_units),
        "elevators_renewed": _rate(r.lifts_renewed, r.lifts_original),
        "open_cases_per_100_households": {
            t.compound_type: _rate(t.open_cases, t.households) for t in by_type
        },
        # 三方协同联席会议 (last 365 days), and those all three parties attended
        "joint_meetings": {"held": int(joint.held), "three_parties_present": int(joint.all_three)},
        "labels": INDICATOR_LABELS,
    }


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def compound_parties(session: Session, code: str, full: bool = False) -> Compound:
    """A compound with its three parties, indicators, meetings, renewal projects, buildings and
    societies; a society's contact in full only for those who may edit the compound (full),
    masked like a reporter's for everyone else."""
    r = session.execute(
        text(query("residential/residential", "compound")), {"code": code}
    ).one_or_none()
    if r is None:
        raise NotFound(f"没有编码为 {code} 的小区")
    buildings = session.execute(
        text(query("residential/residential", "buildings")), {"code": code}
    ).all()
    added = sum(b.elevators for b in buildings if b.elevator == "加装")
    renewed = sum(b.elevators for b in buildings if b.elevator == "更新")
    walkup_units = sum(b.units or 1 for b in buildings if b.floors < WALKUP_FLOORS)
    original = sum(b.elevators for b in buildings if b.elevator in ("原有", "更新"))
    today = datetime.now(ZoneInfo(DISTRICT_TZ)).date()
    due = r.committee_term_end is not None and 0 <= (r.committee_term_end - today).days <= 90
    return {
        "code": r.code,
        "name": r.name,
        "households": r.households,
        "compound_type": r.compound_type,
        "community": {"code": r.community_code, "name": r.community_name},
        "open_cases": int(r.open_cases),
        "three_parties": {
            "residents_committee": {"name": f"{r.community_name}居民委员会"},
            "owners_committee": {
                "kind": r.committee_kind,
                "name": r.owners_committee,
                "term_start": _day(r.committee_term_start),
                "term_end": _day(r.committee_term_end),
                "reelection_due": due,  # the term ends within 90 days: 换届
            },
            "property": {
                "company": r.property_company,
                "level": r.property_level,
                "fee_model": r.fee_model,
            },
            "party_org": {"code": r.party_code, "name": r.party_name} if r.party_code else None,
            "commissioner": r.commissioner,
        },
        "indicators": {
            "residential_buildings": len(buildings),
            "stairwell_branches": sum(1 for b in buildings if b.branch_code),
            "elevators_added": _rate(added, walkup_units),
            "elevators_renewed": _rate(renewed, original),
            "open_cases_per_100_households": _rate(r.open_cases, r.households or 0),
        },
        "meetings": compound_meetings(session, code),
        "renewal_projects": [
            {"id": p["id"], "name": p["name"], "rate_pct": p["rate_pct"]}
            for p in list_projects(session, r.community_code)
            if p["compound"]["code"] == code
        ],
        "residential_buildings": [
            {
                "code": b.code,
                "name": b.name,
                "units": b.units,
                "floors": b.floors,
                "households": b.households,
                "year_built": b.year_built,
                "elevator": {
                    "state": b.elevator,
                    "count": b.elevators,
                    "date": _day(b.elevator_date),
                },
                "stairwell_branch": {"code": b.branch_code, "name": b.branch_name}
                if b.branch_code
                else None,
            }
            for b in buildings
        ],
        "societies": [
            {
                "code": so.code,
                "name": so.name,
                "kind": so.kind,
                "members": so.members,
                "founded_on": _day(so.founded_on),
                "contact": {
                    "name": so.contact_name if full else mask_name(so.contact_name),
                    "phone": so.contact_phone if full else mask_phone(so.contact_phone),
                },
                "activities_365d": int(so.activities),
            }
            for so in session.execute(
                text(query("residential/residential", "societies")), {"code": code}
            )
        ],
    }


# What may be edited, and by whom: the commissioner only by staff (geo/access.py STAFF).
EDITABLE = (
    "committee_kind",
    "committee_term_start",
    "committee_term_end",
    "owners_committee",
    "property_company",
    "property_level",
    "fee_model",
)


def edit_compound(
    session: Session, code: str, changes: dict[str, Any], commissioner: str | None = None
) -> dict[str, list[Any]]:
    """Apply changes to a compound's three parties in one UPDATE; return {field: [old, new]}
    for what changed (the caller logs it). commissioner: the username of an active compound
    commissioner."""
    row = session.execute(
        text(query("residential/residential", "lock")), {"code": code}
    ).one_or_none()
    if row is None:
        raise NotFound(f"没有编码为 {code} 的小区")
    assert set(changes) <= set(EDITABLE)
    new = {name: changes.get(name, getattr(row, name)) for name in EDITABLE}
    diff = {
        name: [getattr(row, name), new[name]]
        for name in EDITABLE
        if getattr(row, name) != new[name]
    }
    new["commissioner_id"] = row.commissioner_id
    if commissioner is not None and commissioner != row.commissioner:
        new["commissioner_id"] = session.execute(
            text(query("residential/residential", "commissioner")), {"username": commissioner}
        ).scalar()
        if new["commissioner_id"] is None:
            raise Unprocessable(f"没有在用的小区专员账号「{commissioner}」")
        diff["commissioner"] = [row.commissioner, commissioner]
    if diff:
        session.execute(text(query("residential/residential", "edit")), {**new, "code": code})
    return diff
