"""Renewal (有机更新) projects (issue #17): signing progress by building, by work group and by
day. A project's `days` count from its start to the last signature; its curve runs from the
mobilisation meeting. Dates are Beijing dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import NotFound
from geo.residential.answers import (
    RenewalProgress,
    RenewalProgressBuildingsItem,
    RenewalProgressDailyItem,
    RenewalProgressGroupsItem,
    RenewalProject,
)
from geo.sql.loader import query
from geo.vocabulary import DISTRICT_TZ

BEIJING = ZoneInfo(DISTRICT_TZ)


def _q(name: str) -> Any:
    return text(query("residential/renewal", name))


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _summary(p: Any) -> RenewalProject:
    return {
        "id": int(p.id),
        "name": p.name,
        "compound": {"code": p.compound_code, "name": p.compound_name},
        "started_on": p.started_on.isoformat(),  # NOT NULL
        "mobilised_on": p.mobilised_on.isoformat(),  # NOT NULL
        "last_signed_on": _day(p.last_signed_on),
        "buildings": p.buildings,
        "representatives": p.representatives,
        "households": p.households,
        "signed": p.signed,
        "rate_pct": _pct(p.signed, p.households),
        "days": (p.last_signed_on - p.started_on).days if p.last_signed_on else None,
    }


def list_projects(session: Session, prefix: str = "") -> list[RenewalProject]:
    """Projects of compounds whose community's code begins prefix ('': all)."""
    rows = session.execute(_q("projects"), {"id": None, "prefix": prefix})
    return [_summary(p) for p in rows]


def project(session: Session, project_id: int) -> RenewalProgress:
    """A project's progress: totals, per building, per work group, and the daily series."""
    p = session.execute(_q("projects"), {"id": project_id, "prefix": ""}).one_or_none()
    if p is None:
        raise NotFound(f"没有编号为 {project_id} 的更新项目")
    buildings: list[RenewalProgressBuildingsItem] = [
        {
            "code": b.code,
            "name": b.name,
            "households": b.households,
            "signed": b.signed,
            "rate_pct": _pct(b.signed, b.households),
            "representative": b.representative,
            "group": b.group_name,
            "last_signed_on": _day(b.last_signed_on),
        }
        for b in session.execute(_q("buildings"), {"id": project_id})
    ]
    groups: dict[str, RenewalProgressGroupsItem] = {}
    for b in buildings:
        g = groups.setdefault(
            b["group"] or "未分组",
            {
                "name": b["group"] or "未分组",
                "buildings": [],
                "households": 0,
                "signed": 0,
                "rate_pct": None,
                "complete": False,
            },
        )
        g["buildings"].append(b["name"])
        g["households"] += b["households"]
        g["signed"] += b["signed"]
        last = b.get("last_signed_on")
        if last and last > (g.get("last_signed_on") or ""):
            g["last_signed_on"] = last
    for g in groups.values():
        g["rate_pct"] = _pct(g["signed"], g["households"])
        g["complete"] = g["signed"] >= g["households"] > 0
        g.setdefault("last_signed_on", None)
    daily: list[RenewalProgressDailyItem] = [
        {
            "date": d.day.isoformat(),
            "since_mobilisation": d.since_mobilisation,
            "signed": d.signed,
            "cumulative": d.cumulative,
            "rate_pct": _pct(d.cumulative, p.households),
        }
        for d in session.execute(_q("daily"), {"id": project_id})
    ]
    s = _summary(p)  # its `buildings` is a count; here they are listed
    return {
        "id": s["id"],
        "name": s["name"],
        "compound": s["compound"],
        "started_on": s["started_on"],
        "mobilised_on": s["mobilised_on"],
        "last_signed_on": s["last_signed_on"],
        "representatives": s["representatives"],
        "households": s["households"],
        "signed": s["signed"],
        "rate_pct": s["rate_pct"],
        "days": s["days"],
        "buildings": buildings,
        "building_count": len(buildings),
        "groups": list(groups.values()),  # in the order of their first building
        "daily": daily,
    }


def project_geojson(session: Session, project_id: int) -> str:
    project(session, project_id)  # NotFound if there is none
    return str(session.execute(_q("geojson"), {"id": project_id}).scalar_one())


def record_signings(
    session: Session, project_id: int, rows: list[dict[str, Any]], actor: str
) -> dict[str, Any]:
    """Record households' signatures (building_code, household, signed_at), each row accepted
    or rejected with its reason: a building outside the project, a household already signed
    (or twice in the rows), a time before the project's start or in the future, or more
    signatures than the building has households."""
    p = project(session, project_id)
    started = date.fromisoformat(p["started_on"])
    scope = {
        r.building_code: [r.households, int(r.signed)]
        for r in session.execute(_q("scope"), {"id": project_id})
    }
    done = {
        (r.building_code, r.household) for r in session.execute(_q("signed"), {"id": project_id})
    }
    now = datetime.now(UTC)
    accepted, rejected = 0, []
    for i, r in enumerate(rows, start=1):
        key = (r["building_code"], r["household"].strip())
        at: datetime = r["signed_at"]
        reason = None
        if key[0] not in scope:
            reason = f"building {key[0]!r} is not in the project"
        elif not key[1]:
            reason = "household is empty"
        elif key in done:
            reason = f"household {key[1]!r} of {key[0]} has signed already"
        elif at.astimezone(BEIJING).date() < started:
            reason = f"signed_at {at.isoformat()} is before the project began ({started})"
        elif at > now:
            reason = f"signed_at {at.isoformat()} is in the future"
        elif scope[key[0]][1] >= scope[key[0]][0]:
            reason = f"building {key[0]} has {scope[key[0]][0]} households, all signed"
        if reason:
            rejected.append({"row": i, "reason": reason})
            continue
        session.execute(
            _q("sign"),
            {
                "id": project_id,
                "building_code": key[0],
                "household": key[1],
                "signed_at": at,
                "actor": actor,
            },
        )
        done.add(key)
        scope[key[0]][1] += 1
        accepted += 1
    return {"accepted": accepted, "rejected": rejected}
