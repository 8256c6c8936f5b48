"""The shapes of the platform's codes, once (GB/T 30428 for the hierarchy): a district has 6
digits, a street 9 (district + 3), a community 12 (street + 3), a grid 15 (community + 3). Zones
carry their parent's code and a two-letter mark: a compound XQ (小区), a business community SW
(商务社区, under its street), a building LY (楼宇, under its business community). A firm is
named by its 统一社会信用代码 (geo/business/credit_code.py checks its check character).

Requests (webmap/schemas.py), loaders (data/load/) and accounts' areas read these; the database's
CHECK constraints (geo/models/places.py) say the same.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

HIERARCHY_DIGITS = {"district": 6, "street": 9, "community": 12, "grid": 15}
STREET = r"^[0-9]{9}$"
COMMUNITY = r"^[0-9]{12}$"
GRID = r"^[0-9]{15}$"
BUSINESS_COMMUNITY = r"^[0-9]{9}SW[0-9]{3}$"
CREDIT_CODE = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
# A handling unit's (处置单位): U and 2-31 digits or capitals, by custom the area it serves and
# a mark (U330105001CG: the street's 城管执法中队); units.code's check says the same.
UNIT = r"^U[0-9A-Z]{2,31}$"
UNIT_CODE = re.compile(UNIT[1:-1])
# The zones' marks, in a code of the zone or of what it holds (a compound's building …).
ZONE_MARKS = {"XQ": "compound", "LY": "building", "SW": "business_community"}

StreetCode = Annotated[str, Field(pattern=STREET, description="a street's code (9 digits)")]
CommunityCode = Annotated[
    str, Field(pattern=COMMUNITY, description="a community's code (12 digits)")
]
GridCode = Annotated[str, Field(pattern=GRID, description="a grid's code (15 digits)")]
BusinessCommunityCode = Annotated[
    str, Field(pattern=BUSINESS_COMMUNITY, description="a business community's code")
]
CreditCode = Annotated[str, Field(pattern=CREDIT_CODE, description="统一社会信用代码")]
UnitCode = Annotated[str, Field(pattern=UNIT, description="a handling unit's code (U…)")]


def is_hierarchy_code(code: str, kind: str) -> bool:
    """Whether `code` has the shape of a district, street, community or grid code."""
    return re.fullmatch(rf"[0-9]{{{HIERARCHY_DIGITS[kind]}}}", code) is not None


def area_kind_of(code: str) -> str | None:
    """The kind of area a code names, from its shape; None if it names none."""
    for kind, digits in HIERARCHY_DIGITS.items():
        if len(code) == digits and is_hierarchy_code(code, kind):
            return kind
    if UNIT_CODE.fullmatch(code):
        return "unit"
    for mark, kind in ZONE_MARKS.items():
        if mark in code:
            return kind
    return None
