"""Batch case import (CSV or GeoJSON, up to a million rows) with a per-row report.

Parsing, checks and CRS conversion are vectorised; rows go to the database with one COPY;
assignment is set-based in SQL (geo/assign.py). Accepted rows are written in the caller's
transaction; rejected rows change nothing and are listed with their reason.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.store import driver_connection
from geo.assign import assign_input, unplaced
from geo.crs import CRS_NAMES, in_china, to_wgs84

COLUMNS = (
    "lon",
    "lat",
    "crs",
    "category",
    "description",
    "address",
    "reporter_name",
    "reporter_phone",
)
MAX_ROWS = 1_000_000


class BatchError(ValueError):
    """The file as a whole cannot be imported (nothing written)."""


@dataclass
class BatchReport:
    rows: int = 0
    accepted: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(data: bytes, fmt: str) -> pd.DataFrame:
    """CSV (header row; lon, lat, crs, category, description, …) or GeoJSON Points."""
    if fmt == "csv":
        try:
            df = pd.read_csv(
                io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")),
                dtype=str,
                keep_default_na=False,
                engine="pyarrow",
            )
        except (
            pd.errors.ParserError,
            pd.errors.EmptyDataError,
            UnicodeDecodeError,
            pa.ArrowInvalid,
        ) as exc:
            raise BatchError(f"cannot read the CSV: {exc}") from exc
        df.columns = [str(c).strip().lower() for c in df.columns]
    elif fmt == "geojson":
        try:
            doc = json.loads(data)
            feats = doc["features"]
        except (ValueError, KeyError, TypeError) as exc:
            raise BatchError("cannot read the GeoJSON: expected a FeatureCollection") from exc
        rows = []
        for f in feats:
            props = dict((f or {}).get("properties") or {})
            geom = (f or {}).get("geometry") or {}
            xy = geom.get("coordinates") if geom.get("type") == "Point" else None
            ok = isinstance(xy, list) and len(xy) >= 2
            props["lon"] = str(xy[0]) if ok else ""
            props["lat"] = str(xy[1]) if ok else ""
            rows.append(props)
        df = pd.DataFrame(rows).astype(str) if rows else pd.DataFrame(columns=["lon", "lat"])
    else:
        raise BatchError(f"unknown format {fmt!r}; csv or geojson")
    missing = [c for c in ("lon", "lat", "category", "description") if c not in df.columns]
    if missing:
        raise BatchError(f"missing column(s): {', '.join(missing)}")
    if len(df) == 0:
        raise BatchError("the file has no rows")
    if len(df) > MAX_ROWS:
        raise BatchError(f"{len(df)} rows; at most {MAX_ROWS} per batch")
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = ""
    return df[list(COLUMNS)].fillna("")


def check(session: Session, df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Vectorised row checks; returns (df with WGS84 x/y, reason per row or '')."""
    n = len(df)
    reason = np.full(n, "", dtype=object)

    def fail(mask: np.ndarray, why: str | np.ndarray) -> None:
        sel = mask & (reason == "")
        reason[sel] = why if isinstance(why, str) else why[sel]

    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(dtype=float)
    fail(~np.isfinite(lon) | ~np.isfinite(lat), "lon and lat must be finite numbers")
    crs = df["crs"].str.strip().str.lower().replace("", "wgs84").to_numpy(dtype=object)
    fail(~np.isin(crs, CRS_NAMES), "unknown crs; use wgs84, gcj02, bd09 or cgcs2000")
    lon0, lat0 = np.nan_to_num(lon), np.nan_to_num(lat)
    fail(~in_china(lon0, lat0) & in_china(lat0, lon0), "lat/lon look swapped (longitude first)")
    fail(~in_china(lon0, lat0), "outside China's extent")
    known = {r[0] for r in session.execute(text("SELECT code FROM categories"))}
    cat = df["category"].str.strip().to_numpy(dtype=object)
    fail(~np.isin(cat, list(known)), "unknown category (see /open311/v2/services.json)")
    desc = df["description"].str.strip()
    fail((desc.str.len() == 0).to_numpy(), "description is empty")
    fail((desc.str.len() > 2000).to_numpy(), "description longer than 2000 characters")
    x, y = lon0.copy(), lat0.copy()
    for name in ("gcj02", "bd09"):
        sel = (crs == name) & (reason == "")
        if sel.any():
            x[sel], y[sel] = to_wgs84(lon0[sel], lat0[sel], name)
    out = df.assign(
        crs=crs, category=cat, description=desc, x=x, y=y, received_lon=lon0, received_lat=lat0
    )
    return out, reason


def import_cases(
    session: Session, data: bytes, fmt: str, source: str = "batch", snap_m: float = 100.0
) -> BatchReport:
    t0 = time.perf_counter()
    df = parse(data, fmt)
    df, reason = check(session, df)
    report = BatchReport(rows=len(df))
    ok = np.flatnonzero(reason == "")
    _stage(session, df.iloc[ok], ok + 1)
    session.execute(text("DROP TABLE IF EXISTS assign_input"))
    session.execute(
        text(
            "CREATE TEMP TABLE assign_input AS SELECT row_no AS id, "
            "ST_SetSRID(ST_MakePoint(x, y), 4326) AS geom FROM batch_stage"
        )
    )
    assign_input(session, snap_m)
    reason[np.asarray(unplaced(session), dtype=int) - 1] = (
        f"outside the district (more than {snap_m:.0f} m from every grid)"
    )
    report.accepted = int(session.execute(text(_INSERT), {"source": source}).scalar_one())
    bad = np.flatnonzero(reason != "")
    report.rejected = [{"row": int(i) + 1, "reason": str(reason[i])} for i in bad]
    report.seconds = round(time.perf_counter() - t0, 3)
    return report


def _stage(session: Session, df: pd.DataFrame, row_no: np.ndarray) -> None:
    conn = driver_connection(session)
    conn.execute("DROP TABLE IF EXISTS batch_stage")
    conn.execute(
        "CREATE TEMP TABLE batch_stage (row_no bigint PRIMARY KEY, received_lon float8, "
        "received_lat float8, received_crs text, x float8, y float8, category text, "
        "description text, address text, reporter_name text, reporter_phone text)"
    )
    out = pd.DataFrame(
        {
            "row_no": row_no,
            "received_lon": df["received_lon"].to_numpy(),
            "received_lat": df["received_lat"].to_numpy(),
            "received_crs": df["crs"].to_numpy(),
            "x": df["x"].to_numpy(),
            "y": df["y"].to_numpy(),
            "category": df["category"].to_numpy(),
            "description": df["description"].to_numpy(),
            "address": df["address"].to_numpy(),
            "reporter_name": df["reporter_name"].to_numpy(),
            "reporter_phone": df["reporter_phone"].to_numpy(),
        }
    )
    sink = io.BytesIO()
    pacsv.write_csv(
        pa.Table.from_pandas(out, preserve_index=False),
        sink,
        pacsv.WriteOptions(include_header=False),
    )
    with conn.cursor() as cur, cur.copy("COPY batch_stage FROM STDIN (FORMAT csv)") as cp:
        cp.write(sink.getvalue())


_INSERT = """
WITH ins AS (
    INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, description,
                       address, reporter_name, reporter_phone, source, status, grid_code, rule,
                       outside, distance_m, community_code, street_code, worker_id, zone_kind,
                       zone_code, party_org_code, due_at)
    SELECT s.received_lon, s.received_lat, s.received_crs, ST_SetSRID(ST_MakePoint(s.x, s.y), 4326),
           s.category, s.description, NULLIF(s.address, ''), NULLIF(s.reporter_name, ''),
           NULLIF(s.reporter_phone, ''), :source, 'assigned', o.grid_code, o.rule, o.outside,
           o.distance_m, o.community_code, o.street_code, o.worker_id, o.zone_kind, o.zone_code,
           o.party_org_code, now() + make_interval(hours => k.sla_hours)
    FROM batch_stage s
    JOIN assign_output o ON o.id = s.row_no
    JOIN categories k ON k.code = s.category
    ORDER BY s.row_no
    RETURNING id
), ev AS (
    INSERT INTO case_events (case_id, actor, kind, from_status, to_status, note)
    SELECT id, :source, 'created', NULL, 'assigned', '批量导入并按规则派单' FROM ins
)
SELECT count(*) FROM ins
"""
