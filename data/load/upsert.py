"""Write a checked layer into its table: parent checks, then one idempotent upsert by key."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from psycopg import sql
from sqlalchemy.orm import Session

from data.bulk import copy_frame, driver_connection
from data.load.load_specs import LOADABLE, LoadSpec
from data.load.loaders import LoadReport, prepare
from geo.assign import reassign_open_cases
from geo.coverage.derived import refresh_all
from geo.coverage.network import prepare_network
from geo.residential.words import COMMITTEE_KINDS, ELEVATOR_STATES, FEE_MODELS, PROPERTY_LEVELS
from geo.settings import Settings
from geo.vocabulary import COMPOUND_TYPES, METRIC_SRID
from ops.progress import step

# Layers whose change can move a case to another grid, zone or party organisation.
REASSIGNING = (
    "grids",
    "compounds",
    "residential_buildings",
    "business_communities",
    "buildings",
    "open_blocks",
)


def load_layer(
    session: Session,
    settings: Settings,
    layer: str,
    path: Path,
    crs: str | None = None,
    encoding: str | None = None,
) -> LoadReport:
    """Load one file into `layer`; the caller commits (or rolls back on LoadError). Open
    cases are reassigned after a reload of what assigns them (settings: snap distance)."""
    step("读取文件")
    gdf, report = prepare(Path(path), layer, crs, encoding)
    spec = LOADABLE[layer]
    step("校验")
    gdf = check_values(gdf, spec, report)
    gdf = _check_parents(session, gdf, spec, report)
    if spec.table == "road_edges":
        gdf = _road_columns(gdf)
    cols = [c for c in (*spec.required, *spec.optional) if c in gdf.columns]
    if spec.table == "road_edges":
        cols = ["id", "source", "target", "length_m", "cost", "reverse_cost"] + (
            ["name"] if "name" in gdf.columns else []
        )
    if len(gdf):
        step("写入")
        ins, upd = _upsert(session, spec, gdf, cols)
        step("重算与重新派发")
        report.inserted, report.updated = ins, upd
        if spec.table == "road_edges":
            report.network = prepare_network(session).__dict__
        # whatever this layer feeds (coverage graph, slivers)
        refresh_all(session, settings.coverage_reach_m, step)
        if layer in REASSIGNING:
            report.reassigned_cases = reassign_open_cases(
                session,
                "loader",
                f"reloaded {layer} from {Path(path).name}",
                settings.snap_distance_m,
            )
    report.rejected.sort(key=lambda r: int(r["row"]))  # type: ignore[call-overload]
    return report


# Columns holding one of a fixed set of values (geo/vocabulary.py); other values are rejected.
ENUMS: dict[str, tuple[str, ...]] = {
    "compound_type": COMPOUND_TYPES,
    "committee_kind": tuple(COMMITTEE_KINDS),
    "property_level": PROPERTY_LEVELS,
    "fee_model": FEE_MODELS,
    "elevator": ELEVATOR_STATES,
}


def _reject(
    gdf: gpd.GeoDataFrame, bad: np.ndarray, reasons: list[str], spec: LoadSpec, report: LoadReport
) -> gpd.GeoDataFrame:
    for (_, row), reason in zip(gdf[bad].iterrows(), reasons, strict=True):
        report.rejected.append({"row": int(row["row"]), spec.key: row[spec.key], "reason": reason})
    return gdf[~bad]


def check_values(gdf: gpd.GeoDataFrame, spec: LoadSpec, report: LoadReport) -> gpd.GeoDataFrame:
    for col, kind in spec.optional.items():
        if col not in gdf.columns:
            continue
        if kind == "int":
            vals = pd.to_numeric(gdf[col], errors="coerce")
            bad = (gdf[col].notna() & (vals.isna() | (vals < 0) | (vals % 1 != 0))).to_numpy()
            gdf = _reject(
                gdf,
                bad,
                [f"{col} 须为 ≥ 0 的整数，而不是「{v}」" for v in gdf.loc[bad, col]],
                spec,
                report,
            )
            gdf[col] = pd.to_numeric(gdf[col]).astype("Int64")
        elif kind == "date":
            when = pd.to_datetime(gdf[col], errors="coerce", format="mixed")
            bad = (gdf[col].notna() & when.isna()).to_numpy()
            gdf = _reject(
                gdf,
                bad,
                [f"{col} 须为日期（如 2024-05-01），而不是「{v}」" for v in gdf.loc[bad, col]],
                spec,
                report,
            )
            when = pd.to_datetime(gdf[col], errors="coerce", format="mixed")
            gdf[col] = [d.date() if pd.notna(d) else None for d in when]
        else:
            gdf[col] = gdf[col].astype(object).where(gdf[col].notna(), None)
    for col, given in spec.values.items():  # words a file may use for a stored value
        if col not in gdf.columns:
            continue
        mapped = gdf[col].map(
            lambda v, given=given: given.get(str(v).strip(), v) if v is not None else v
        )
        bad = (gdf[col].notna() & ~mapped.isin(set(given.values()))).to_numpy()
        gdf = _reject(
            gdf,
            bad,
            [f"{col}「{v}」不在 {'/'.join(given)} 之中" for v in gdf.loc[bad, col]],
            spec,
            report,
        )
        gdf[col] = mapped[~bad]
    for col, allowed in ENUMS.items():
        if col not in gdf.columns:
            continue
        bad = (gdf[col].notna() & ~gdf[col].isin(allowed)).to_numpy()
        gdf = _reject(
            gdf,
            bad,
            [f"{col}「{v}」不在 {'/'.join(allowed)} 之中" for v in gdf.loc[bad, col]],
            spec,
            report,
        )
    if "households" in gdf.columns:
        gdf["households"] = gdf["households"].fillna(0)
    if "elevator" in gdf.columns or "elevators" in gdf.columns:
        gdf = _check_elevators(gdf, spec, report)
    return gdf


def _check_elevators(gdf: gpd.GeoDataFrame, spec: LoadSpec, report: LoadReport) -> gpd.GeoDataFrame:
    """A residential building's lifts: a state other than 无 has lifts (one per unit when the
    file does not count them), 无 has none; a row saying otherwise is rejected."""
    state = gdf["elevator"] if "elevator" in gdf.columns else pd.Series("无", index=gdf.index)
    gdf["elevator"] = state.fillna("无")
    if "elevators" not in gdf.columns:
        gdf["elevators"] = pd.NA
    per_unit = gdf["units"] if "units" in gdf.columns else pd.Series(pd.NA, index=gdf.index)
    default = np.where(gdf["elevator"] == "无", 0, per_unit.fillna(1).clip(lower=1))
    gdf["elevators"] = gdf["elevators"].astype("Int64").fillna(pd.Series(default, index=gdf.index))
    bad = ((gdf["elevator"] == "无") != (gdf["elevators"] == 0)).to_numpy(dtype=bool)
    return _reject(
        gdf,
        bad,
        [
            f"elevator「{e}」却有 {n} 部电梯：无 应为 0 部，加装/更新 至少 1 部"
            for e, n in zip(gdf.loc[bad, "elevator"], gdf.loc[bad, "elevators"], strict=True)
        ],
        spec,
        report,
    )


def _check_parents(
    session: Session, gdf: gpd.GeoDataFrame, spec: LoadSpec, report: LoadReport
) -> gpd.GeoDataFrame:
    for col, table in ((spec.parent,) if spec.parent else ()) + spec.refs:
        gdf = _check_parent(session, gdf, spec, report, col, table)
    return gdf


def _code(v: object) -> str | None:
    """A code as a file gives it (a number read from a spreadsheet: 12.0), or None if blank."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return str(v).strip().removesuffix(".0") or None


def _check_parent(
    session: Session,
    gdf: gpd.GeoDataFrame,
    spec: LoadSpec,
    report: LoadReport,
    col: str,
    table: str,
) -> gpd.GeoDataFrame:
    if col not in gdf.columns or not len(gdf):
        return gdf
    gdf[col] = pd.Series([_code(v) for v in gdf[col]], index=gdf.index, dtype=object)
    wanted = sorted({v for v in gdf[col] if v is not None})
    q = sql.SQL("SELECT code FROM {} WHERE code = ANY(%s)").format(sql.Identifier(table))
    known = {r[0] for r in driver_connection(session).execute(q, (wanted,)).fetchall()}
    required = col in spec.required
    bad = np.array(
        [(v is None and required) or (v is not None and v not in known) for v in gdf[col]]
    )
    return _reject(
        gdf,
        bad,
        [
            f"未知的 {col}「{v}」（{table} 中没有）" if v else f"缺少 {col}"
            for v in gdf.loc[bad, col]
        ],
        spec,
        report,
    )


def _road_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Node ids from the file, or from endpoint coordinates (1e-7°, so shared ends match)."""
    gdf["id"] = gdf["id"].astype("int64")
    if (
        "source" not in gdf.columns
        or "target" not in gdf.columns
        or gdf[["source", "target"]].isna().any().any()
    ):
        start = shapely.get_point(gdf.geometry.values, 0)
        end = shapely.get_point(gdf.geometry.values, -1)
        gdf["source"], gdf["target"] = _node_id(start), _node_id(end)
    gdf["source"] = gdf["source"].astype("int64")
    gdf["target"] = gdf["target"].astype("int64")
    length = gdf.to_crs(METRIC_SRID).length.round(2).to_numpy()
    gdf["length_m"] = gdf["cost"] = gdf["reverse_cost"] = length  # walkable both ways
    return gdf


def _node_id(points: np.ndarray) -> np.ndarray:
    lon = np.round(shapely.get_x(points) * 1e7).astype(np.int64) - 720_000_000
    lat = np.round(shapely.get_y(points) * 1e7).astype(np.int64)
    ids: np.ndarray = lon * (1 << 30) + lat
    return ids


def _upsert(
    session: Session, spec: LoadSpec, gdf: gpd.GeoDataFrame, cols: list[str]
) -> tuple[int, int]:
    conn = driver_connection(session)
    conn.execute("DROP TABLE IF EXISTS stage_load")
    conn.execute(
        sql.SQL("CREATE TEMP TABLE stage_load (LIKE {} INCLUDING DEFAULTS)").format(
            sql.Identifier(spec.table)
        )
    )
    copy_frame(session, "stage_load", gdf, cols)
    all_cols = [*cols, "geom"]
    ident = sql.SQL(", ").join(map(sql.Identifier, all_cols))
    sets = sql.SQL(", ").join(
        sql.SQL("{} = EXCLUDED.{}").format(sql.Identifier(c), sql.Identifier(c))
        for c in all_cols
        if c != spec.key
    )
    q = sql.SQL(
        "INSERT INTO {t} ({c}) SELECT {c} FROM stage_load ON CONFLICT ({k}) DO UPDATE SET {s} "
        "RETURNING (xmax = 0)"
    ).format(t=sql.Identifier(spec.table), c=ident, k=sql.Identifier(spec.key), s=sets)
    flags = [r[0] for r in conn.execute(q).fetchall()]
    conn.execute("DROP TABLE stage_load")
    return sum(flags), len(flags) - sum(flags)
