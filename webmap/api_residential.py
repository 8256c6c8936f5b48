"""Residential compounds: one compound's three parties, and the 三方协同 indicators."""

from __future__ import annotations

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from geo.residential import compound_parties, residential_stats
from webmap.auth import allow
from webmap.db import get_read_session
from webmap.schemas import Schema

api = APIBlueprint(
    "residential", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="residential")]
)


class CompoundPath(Schema):
    code: str = Field(max_length=32)


class ResidentialQuery(Schema):
    street: str | None = Field(
        None, pattern=r"^[0-9]{9}$", description="a street's code; none: the district"
    )


@api.get("/compounds/<code>")
def get_compound(path: CompoundPath):  # type: ignore[no-untyped-def]
    """A compound with its three parties (居委会, 业委会/物管委, 物业), party branch,
    commissioner and open cases."""
    allow("layers")
    return jsonify(compound_parties(get_read_session(), path.code))


@api.get("/stats/residential")
def get_residential(query: ResidentialQuery):  # type: ignore[no-untyped-def]
    """三方协同 indicators, each with numerator, denominator and rate (percent)."""
    allow("stats")
    return jsonify(residential_stats(get_read_session(), query.street or ""))
