"""The core's tables (docs/architecture.md): places, organisations, the derived tables' records.
Each domain declares its own in geo/<domain>/models.py; geo/migrations/metadata.py gathers them
all for Alembic. EPSG:4326 storage, GiST indexes, valid geometry; codes follow GB/T 30428.
"""

from geo.models.base import Base

__all__ = ["Base"]
