"""Bulk writes of (Geo)DataFrames into our tables with COPY, inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from psycopg import sql
from sqlalchemy.orm import Session


def driver_connection(session: Session):  # type: ignore[no-untyped-def]
    """The psycopg connection under the session's current transaction."""
    return session.connection().connection.driver_connection


def _cells(series: pd.Series) -> list[object]:
    values = series.astype(object).where(series.notna(), None).tolist()
    return [json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for v in values]


def copy_frame(
    session: Session,
    table: str,
    df: pd.DataFrame,
    columns: Sequence[str],
    geom_column: str | None = "geom",
) -> int:
    """COPY df[columns] (+ its geometry as EWKB into geom_column) into table; returns rows."""
    cols = list(columns)
    data = [_cells(df[c]) for c in cols]
    if geom_column is not None:
        geoms = shapely.set_srid(np.asarray(df.geometry.values, dtype=object), 4326)
        data.append(list(shapely.to_wkb(geoms, hex=True, include_srid=True)))
        cols.append(geom_column)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, cols))
    )
    conn = driver_connection(session)
    with conn.cursor() as cur, cur.copy(stmt) as cp:
        for row in zip(*data, strict=True):
            cp.write_row(row)
    return len(df)


def truncate_all(session: Session, tables: Sequence[str]) -> None:
    stmt = sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
        sql.SQL(", ").join(map(sql.Identifier, tables))
    )
    driver_connection(session).execute(stmt)


def is_empty(session: Session) -> bool:
    conn = driver_connection(session)
    row = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM streets)").fetchone()
    return bool(row and row[0])
