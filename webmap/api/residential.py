"""Residential compounds: one compound's three parties, and the 三方协同 indicators."""

from __future__ import annotations

from typing import Literal

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field
from sqlalchemy.orm import Session

from geo.access import allowed, may_edit_compound, may_read_area_stats
from geo.accounts import audit
from geo.codes import CommunityCode, StreetCode
from geo.errors import Unprocessable
from geo.residential.answers import Compound, Residential
from geo.residential.three_parties import compound_parties, edit_compound, residential_stats
from webmap.auth import allow, audit_caller, current_caller
from webmap.db import get_read_session, get_replica_session, get_session
from webmap.openapi import answers
from webmap.schemas import Body, IsoDate, Schema

api = APIBlueprint(
    "residential", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="residential")]
)


class CompoundPath(Schema):
    code: str = Field(max_length=32)


class ResidentialQuery(Schema):
    street: StreetCode | None = Field(None, description="a street's code; none: the district")
    community: CommunityCode | None = Field(
        None, description="a community's code (instead of a street)"
    )


@answers(Compound)
@api.get("/compounds/<code>")
def get_compound(path: CompoundPath):  # type: ignore[no-untyped-def]
    """A compound with its three parties (居委会, 业委会/物管委, 物业), party branch,
    commissioner and open cases."""
    caller = allow("layers")
    s = get_read_session()
    if allowed(may_edit_compound, caller, path.code, False):
        return jsonify(_with_changes(s, path.code))
    return jsonify(compound_parties(s, path.code))  # who changed what: those who may edit it


class CompoundEdit(Body):
    committee_kind: Literal["业委会", "物管委", "社区托管", "无"] = "无"  # never null
    committee_term_start: IsoDate | None = None
    committee_term_end: IsoDate | None = None
    owners_committee: str | None = Field(None, max_length=100)
    property_company: str | None = Field(None, max_length=100)
    property_level: Literal["甲", "乙", "丙", "丁"] | None = None
    fee_model: Literal["包干制", "酬金制"] | None = None
    commissioner: str | None = Field(None, max_length=64, description="staff only")


@answers(Compound)
@api.patch("/compounds/<code>")
def patch_compound(path: CompoundPath, body: CompoundEdit):  # type: ignore[no-untyped-def]
    """Edit a compound's three parties: staff of its area and its commissioner (who cannot
    name the commissioner); each change is logged with who, when and the old and new values."""
    changes = body.model_dump(exclude_unset=True)
    commissioner = changes.pop("commissioner", None)
    may_edit_compound(current_caller(), path.code, names_commissioner=commissioner is not None)
    s = get_session()
    diff = edit_compound(s, path.code, changes, commissioner)
    if diff:
        audit_caller(s, "compound.edit", target=f"compound:{path.code}", detail=diff)
    s.commit()
    return jsonify(_with_changes(s, path.code))


def _with_changes(s: Session, code: str) -> Compound:
    """The compound, and who changed its three parties when (the audit log, newest first)."""
    out = compound_parties(s, code, full=True)  # an editor: contacts in full
    out["changes"] = [
        {"at": e["at"], "by": e["username"], "changed": e["detail"]}
        for e in audit.read(s, target=f"compound:{code}", action="compound.edit", limit=20)
    ]
    return out


@answers(Residential)
@api.get("/stats/residential")
def get_residential(query: ResidentialQuery):  # type: ignore[no-untyped-def]
    """三方协同 indicators, each with numerator, denominator and rate (percent)."""
    if query.street and query.community and not query.community.startswith(query.street):
        raise Unprocessable("该社区不属于所给街道")
    area = query.community or query.street or ""
    may_read_area_stats(current_caller(), area)
    return jsonify(residential_stats(get_replica_session(), area))
