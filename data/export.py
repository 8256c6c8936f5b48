"""Any registry layer (cases with their filters) as a file for GIS staff (issue #19): GeoPackage,
Shapefile (zipped, with a .cpg: GBK by default so GBK tools read Chinese names, or UTF-8),
CSV (UTF-8 with a BOM for Excel; WKT, or lon/lat columns for points) or XLSX; in WGS84,
CGCS2000 (EPSG:4490, the same coordinates to centimetres) or GCJ-02 (Amap). The rows are the
layer's own (layers/sql), so what an export shows is what the API shows the same caller.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import pyogrio
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.crs import wgs84_to_gcj02
from geo.errors import BadInput
from geo.text import sheet_cell
from layers.frames import items_params
from layers.registry import LayerSpec

Format = Literal["gpkg", "shp", "csv", "xlsx"]
Crs = Literal["wgs84", "cgcs2000", "gcj02"]
MIMETYPES = {
    "gpkg": "application/geopackage+sqlite3",
    "shp": "application/zip",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EPSG = {"wgs84": 4326, "cgcs2000": 4490, "gcj02": 4326}  # GCJ-02 has no code; its files say 4326


def sheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell that begins like a formula neutralised (geo/text.py
    sheet_cell), for CSV and XLSX files."""
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(sheet_cell)
    return out


def table_file(table: pd.DataFrame, fmt: Literal["csv", "xlsx"], sheet: str) -> bytes:
    """A table as a CSV (UTF-8 with a BOM, for Excel) or XLSX file's bytes, its cells made
    safe for spreadsheets (sheet_safe)."""
    table = sheet_safe(table)
    if fmt == "csv":
        # CRLF (RFC 4180): the writer then quotes a cell holding a lone CR, which would
        # otherwise end its row
        return ("\ufeff" + table.to_csv(index=False, lineterminator="\r\n")).encode("utf-8")
    return workbook({sheet: table})


def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An XLSX file's bytes with a sheet per table, in order, cells made safe (sheet_safe)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "book.xlsx"
        for i, (name, table) in enumerate(sheets.items()):
            pyogrio.write_dataframe(sheet_safe(table), out, driver="XLSX", layer=name, append=i > 0)
        return out.read_bytes()


def layer_frame(
    session: Session,
    spec: LayerSpec,
    areas: list[str] | None,
    filters: dict[str, str],
    t0: datetime | None = None,
    t1: datetime | None = None,
) -> gpd.GeoDataFrame:
    """The layer's features (WGS84) with code, name and their attributes as columns."""
    params = items_params(areas, filters=filters, t0=t0, t1=t1)
    rows = session.execute(text(spec.items_sql), params).all()
    props = [dict(r.props or {}) for r in rows]
    df = pd.DataFrame(props).drop(columns=["code", "name"], errors="ignore")
    df.insert(0, "code", [r.code for r in rows])
    df.insert(1, "name", [r.name for r in rows])
    geoms = shapely.from_geojson([r.geometry for r in rows]) if rows else []
    for col in df.columns:  # nested values (a list, an object) as JSON text
        if df[col].map(lambda v: isinstance(v, dict | list)).any():
            df[col] = df[col].map(lambda v: orjson.dumps(v).decode() if v is not None else None)
    return gpd.GeoDataFrame(df, geometry=list(geoms), crs=4326)


def _to_crs(gdf: gpd.GeoDataFrame, crs: Crs) -> gpd.GeoDataFrame:
    if crs == "gcj02":

        def shift(xy: np.ndarray) -> np.ndarray:
            lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
            return np.column_stack([lon, lat])

        gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values, shift))
    return gdf.set_crs(EPSG[crs], allow_override=True)


def export(
    gdf: gpd.GeoDataFrame,
    layer: str,
    fmt: Format,
    crs: Crs,
    encoding: Literal["gbk", "utf-8"] = "gbk",
    geometry: Literal["wkt", "lonlat"] = "wkt",
) -> bytes:
    """The frame as one file's bytes (a Shapefile as a zip of its parts)."""
    gdf = _to_crs(gdf, crs)
    if fmt == "csv" or fmt == "xlsx":
        table = pd.DataFrame(gdf.drop(columns="geometry"))
        if geometry == "lonlat":
            if not (gdf.geom_type == "Point").all():
                raise BadInput("lon/lat 列只用于点图层；请用 geometry=wkt")
            table["lon"], table["lat"] = gdf.geometry.x.round(7), gdf.geometry.y.round(7)
        else:
            table["wkt"] = shapely.to_wkt(gdf.geometry.values, rounding_precision=7)
        return table_file(table, fmt, layer)
    with tempfile.TemporaryDirectory() as tmp:
        if fmt == "gpkg":
            out = Path(tmp) / f"{layer}.gpkg"
            pyogrio.write_dataframe(gdf, out, layer=layer, driver="GPKG")
            return out.read_bytes()
        out = Path(tmp) / f"{layer}.shp"
        pyogrio.write_dataframe(
            gdf, out, driver="ESRI Shapefile", encoding="GBK" if encoding == "gbk" else "UTF-8"
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for part in sorted(Path(tmp).iterdir()):
                z.write(part, part.name)
        return buf.getvalue()
