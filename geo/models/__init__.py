"""The data model (docs/architecture.md): EPSG:4326 storage, GiST indexes, valid geometry.

Codes follow GB/T 30428's pattern: street 9 digits, community 12, grid 15. One module per room
of the model; every table registers on Base.metadata, which Alembic compares with the
migrations (tests/test_vocabulary.py).
"""

from geo.models import accounts, cases, derived, organisations, places, work
from geo.models.base import Base

__all__ = ["Base", "accounts", "cases", "derived", "organisations", "places", "work"]
