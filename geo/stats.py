"""Counts of what is loaded."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import query


def count_rows(session: Session) -> dict[str, int]:
    """Rows per main table (streets … cases)."""
    return {row.tbl: int(row.n) for row in session.execute(text(query("counts", "counts")))}


def postgis_version(session: Session) -> str:
    return str(session.execute(text("SELECT postgis_lib_version()")).scalar_one())
