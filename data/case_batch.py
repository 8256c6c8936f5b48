"""Reading a case batch file (CSV or GeoJSON, up to a million rows) and checking its rows.

Parsing, checks and CRS conversion are vectorised (no Python loop over rows for CSV); each
row gets a reason when it is rejected. Writing the accepted rows is data/case_import.py.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import text
from sqlalchemy.orm import Session

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
