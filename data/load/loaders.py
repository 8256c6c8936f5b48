"""Load GeoJSON, GeoPackage, Shapefile and CSV files into our tables, with a per-row report.

File-level problems (unreadable, empty, missing columns, wrong geometry type, unknown CRS,
coordinates that cannot be in China) raise LoadError before anything is written. Row-level
problems reject that row with a reason; invalid geometries are repaired and reported.
Accepted rows are upserted by code in the caller's transaction (the caller commits).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from data.load.geometry_checks import fix_geometry, looks_swapped, outside_china
from data.load.load_specs import ALIASES, LAT_NAMES, LOADABLE, LON_NAMES, LoadSpec
from geo.codes import HIERARCHY_DIGITS, is_hierarchy_code
from geo.crs import to_wgs84
from geo.errors import BadInput
from geo.vocabulary import CRS_NAMES


class LoadError(BadInput):
    """The file as a whole cannot be loaded; nothing was written."""


@dataclass
class LoadReport:
    layer: str
    file: str
    crs: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    repaired: list[dict[str, object]] = field(default_factory=list)
    rejected: list[dict[str, object]] = field(default_factory=list)
    reassigned_cases: int = 0
    network: dict[str, object] | None = None  # roads: components kept and dropped

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def read_any(path: Path, encoding: str | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
    if not path.exists():
        raise LoadError(f"文件不存在：{path}")
    if path.suffix.lower() in (".csv", ".txt"):
        try:
            return pd.read_csv(path, dtype=str, encoding=encoding or "utf-8-sig")
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise LoadError(f"无法读取 CSV {path.name}：{exc}") from exc
    try:
        kw = {"encoding": encoding} if encoding else {}
        return gpd.read_file(path, engine="pyogrio", **kw)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise LoadError(f"无法读取 {path.name}：{exc}") from exc


def read_table(path: Path) -> pd.DataFrame:
    """A table without geometry: CSV (UTF-8, with or without BOM) or a spreadsheet (XLSX, ODS)
    whose first row is its header."""
    if not path.exists():
        raise LoadError(f"文件不存在：{path}")
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            return pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        # the first row is the header, even when every cell below is text too
        df = pyogrio.read_dataframe(path, read_geometry=False, HEADERS="FORCE")
        return cast(pd.DataFrame, df.astype(object).where(df.notna(), None))
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LoadError(f"无法读取 {path.name}：{exc}") from exc
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise LoadError(f"无法读取 {path.name}：{exc}") from exc


def rename_columns(df: pd.DataFrame, wanted: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Columns renamed to the names we use: each wanted name, or the first of its aliases the
    file has (case and surrounding spaces ignored; a geometry column is never renamed)."""
    lower = {str(c).strip().lower(): c for c in df.columns}
    mapping = {}
    for want, aliases in wanted.items():
        for cand in (want, *aliases):
            if cand.lower() in lower and lower[cand.lower()] != "geometry":
                mapping[lower[cand.lower()]] = want
                break
    return df.rename(columns=mapping)


def cell(v: object) -> str:
    """A table cell as text: '' for an empty one (None, or NaN as pandas reads a blank)."""
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()


def _rename(df: pd.DataFrame, spec: LoadSpec) -> pd.DataFrame:
    # Shapefiles cut field names to 10 characters (community_code -> community_).
    return rename_columns(
        df, {w: (w[:10], *ALIASES.get(w, ())) for w in (*spec.required, *spec.optional)}
    )


def _points_from_csv(df: pd.DataFrame, path: Path) -> gpd.GeoDataFrame:
    lower = {str(c).lower(): c for c in df.columns}
    if "wkt" in lower:
        geoms = shapely.from_wkt(df[lower["wkt"]].fillna("").to_numpy(), on_invalid="ignore")
        return gpd.GeoDataFrame(df.drop(columns=[lower["wkt"]]), geometry=list(geoms))
    lon = next((lower[n] for n in LON_NAMES if n in lower), None)
    lat = next((lower[n] for n in LAT_NAMES if n in lower), None)
    if lon is None or lat is None:
        raise LoadError(f"{path.name}：CSV 须有 lon 和 lat 列（或 wkt 列）")
    x = pd.to_numeric(df[lon], errors="coerce").to_numpy()
    y = pd.to_numeric(df[lat], errors="coerce").to_numpy()
    ok = np.isfinite(x) & np.isfinite(y)
    geoms = np.where(ok, shapely.points(np.where(ok, x, 0), np.where(ok, y, 0)), None)
    return gpd.GeoDataFrame(df.drop(columns=[lon, lat]), geometry=list(geoms))


def _to_wgs84(gdf: gpd.GeoDataFrame, crs: str | None, path: Path) -> tuple[gpd.GeoDataFrame, str]:
    """Resolve the source CRS (from --crs, else the file) and return WGS84 geometries."""
    declared = gdf.crs
    if crs is None:
        if declared is None:
            if path.suffix.lower() in (".geojson", ".json"):
                return gdf.set_crs(4326), "wgs84"  # RFC 7946: GeoJSON is WGS84
            if path.suffix.lower() in (".csv", ".txt"):
                return gdf.set_crs(4326), "wgs84 (CSV lon/lat default; give --crs for gcj02/bd09)"
            raise LoadError(
                f"{path.name}：文件未声明坐标系；"
                f"请给出 --crs（{'、'.join(CRS_NAMES)} 或 EPSG:nnnn）"
            )
        if declared.is_geographic:
            return gdf.set_crs(4326, allow_override=True), declared.to_string()
        return gdf.to_crs(4326), declared.to_string()
    name = crs.lower()
    if name in CRS_NAMES:
        if declared is not None and not declared.is_geographic:
            raise LoadError(
                f"{path.name}：--crs {crs} 是地理坐标系，而文件是投影坐标系（{declared.name}）"
            )
        gdf = gdf.set_crs(4326, allow_override=True)
        if name in ("gcj02", "bd09"):

            def conv(xy: np.ndarray) -> np.ndarray:
                lon, lat = to_wgs84(xy[:, 0], xy[:, 1], name)
                return np.column_stack([lon, lat])

            valid = gdf.geometry.notna()
            gdf.loc[valid, "geometry"] = shapely.transform(gdf.geometry[valid].values, conv)
        return gdf, name
    try:
        src = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj raises CRSError, a plain Exception subclass
        raise LoadError(f"未知坐标系「{crs}」，可选：{'、'.join(CRS_NAMES)} 或 EPSG:nnnn") from exc
    return gdf.set_crs(src, allow_override=True).to_crs(4326), src.to_string()


def prepare(
    path: Path, layer: str, crs: str | None = None, encoding: str | None = None
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Read and check a file: WGS84 rows ready to write, and the report so far."""
    if layer not in LOADABLE:
        raise LoadError(f"未知图层「{layer}」，可选：{'、'.join(LOADABLE)}")
    spec = LOADABLE[layer]
    raw = read_any(path, encoding)
    if len(raw) == 0:
        raise LoadError(f"{path.name}：文件没有数据行")
    if not isinstance(raw, gpd.GeoDataFrame):
        raw = _points_from_csv(raw, path)
    df = _rename(raw, spec)
    missing = [c for c in spec.required if c not in df.columns]
    if missing:
        raise LoadError(
            f"{path.name}：图层 {layer} 缺少列 {'、'.join(missing)}"
            f"（现有：{'、'.join(map(str, raw.columns.drop('geometry', errors='ignore')))}）"
        )
    gdf, used = _to_wgs84(df, crs, path)
    report = LoadReport(layer=layer, file=str(path), crs=used, rows=len(gdf))
    geoms = gdf.geometry.values
    types = {g.geom_type for g in geoms if g is not None and not g.is_empty}
    wanted = {
        "polygon": {"Polygon", "MultiPolygon"},
        "point": {"Point"},
        "line": {"LineString", "MultiLineString"},
    }[spec.geometry]
    if types and not types & wanted:
        raise LoadError(
            f"{path.name}：几何类型 {'、'.join(sorted(types))} 不符，图层 {layer} "
            f"须为 {spec.geometry}"
        )
    present = np.array([g is not None and not g.is_empty for g in geoms])
    far = outside_china(np.asarray(geoms, dtype=object))
    if far.any():
        hint = "（疑似经纬度颠倒）" if looks_swapped(geoms[present]) else ""
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(far)[:5])
        raise LoadError(
            f"{path.name}：{int(far.sum())} 行的坐标不可能在中国境内{hint}，"
            f"首见于第 {rows} 行；请检查 --crs"
        )
    return _check_rows(gdf.reset_index(drop=True), spec, report), report


def _check_rows(gdf: gpd.GeoDataFrame, spec: LoadSpec, report: LoadReport) -> gpd.GeoDataFrame:
    keep, out_geoms = [], []
    seen: dict[str, int] = {}
    for i, row in enumerate(gdf.itertuples(index=False)):
        key = str(getattr(row, spec.key, "") or "").strip()
        key = key[:-2] if re.fullmatch(r"\d+\.0", key) else key  # numbers read as floats
        reason = None
        if not key or key.lower() == "nan":
            reason = f"缺少 {spec.key}"
        elif spec.code_kind and not is_hierarchy_code(key, spec.code_kind):
            digits = HIERARCHY_DIGITS[spec.code_kind]
            reason = f"{spec.key}「{key}」须为 {digits} 位数字（GB/T 30428）"
        elif key in seen:
            reason = f"{spec.key}「{key}」重复（首见于第 {seen[key]} 行）"
        elif spec.key == "id" and not key.isdigit():
            reason = f"id「{key}」须为整数"
        geom = None
        if reason is None:
            geom, repaired, reason = fix_geometry(row.geometry, spec.geometry)
            if repaired:
                report.repaired.append({"row": i + 1, spec.key: key, "reason": repaired})
        if reason:
            report.rejected.append({"row": i + 1, spec.key: key or None, "reason": reason})
            continue
        seen[key] = i + 1
        keep.append(i)
        out_geoms.append(geom)
    out = gdf.iloc[keep].copy()
    out[spec.key] = [
        str(getattr(r, spec.key)).strip().removesuffix(".0") for r in out.itertuples(index=False)
    ]
    out["row"] = [k + 1 for k in keep]
    return gpd.GeoDataFrame(out.drop(columns="geometry"), geometry=out_geoms, crs=4326)
