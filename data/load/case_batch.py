"""Reading a case batch file (CSV or GeoJSON, up to a million rows) and checking its rows.

Parsing, checks and CRS conversion are vectorised over Arrow columns (no Python loop over the
rows of a CSV, no Python string per cell); each row gets a reason when it is rejected.
Writing the accepted rows is data/load/case_import.py.
"""

from __future__ import annotations

import csv
import json
import mmap
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

import ijson
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.crs import in_china, to_wgs84
from geo.errors import BadInput, Unprocessable
from geo.text import CONTROL, MESSAGE
from geo.vocabulary import CRS_NAMES

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


class BatchError(Unprocessable):
    """The file as a whole cannot be imported (nothing written): a 422, as the request fits
    its description (a CSV is any text to it) but its content cannot be worked."""


class NotGeoJson(BadInput):
    """A GeoJSON body that is not the FeatureCollection its description states (a 400)."""


Data = bytes | memoryview  # a file's bytes, in memory or mapped from disk (mapped())


@contextmanager
def mapped(f: BinaryIO) -> Iterator[Data]:
    """A file's bytes mapped from disk, not read into memory (a batch of up to 256 MiB)."""
    if os.fstat(f.fileno()).st_size == 0:
        yield b""
        return
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(m)
    try:
        yield view
    finally:
        try:
            view.release()
            m.close()
        except BufferError:  # a slice still lives (in an error's traceback): freed with it
            pass


def parse(data: Data, fmt: str) -> pa.Table:
    """CSV (header row; lon, lat, crs, category, description, …) or GeoJSON Points: a table of
    COLUMNS, every cell text ('' where absent)."""
    if fmt == "csv":
        bom = bytes(data[:3]) == b"\xef\xbb\xbf"
        table = _read_csv(data[3:] if bom else data)
    elif fmt == "geojson":
        table = _read_geojson(data)
    else:
        raise BatchError(f"未知格式「{fmt}」；请用 csv 或 geojson")
    names = [str(c).strip().lower() for c in table.column_names]
    missing = [c for c in ("lon", "lat", "category", "description") if c not in names]
    if missing:
        raise BatchError(f"缺少列：{'、'.join(missing)}")
    n = table.num_rows
    if n == 0:
        raise BatchError("文件没有数据行")
    if n > MAX_ROWS:
        raise BatchError(f"{n} 行；每批至多 {MAX_ROWS} 行")
    empty = pa.array(np.full(n, "", dtype=object), pa.string())
    cols = {c: table.column(names.index(c)) if c in names else empty for c in COLUMNS}
    return pa.table({c: pc.fill_null(v.cast(pa.string()), "") for c, v in cols.items()})


def _read_csv(data: Data) -> pa.Table:
    try:
        head = bytes(data[: 1 << 20]).split(b"\n", 1)[0]  # the header row
        header = next(csv.reader([head.decode("utf-8")]), [])
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)),  # no copy
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (UnicodeDecodeError, pa.ArrowInvalid, csv.Error) as exc:
        raise BatchError(f"无法读取 CSV：{exc}") from exc


class _Reader:
    """A file object over a file's bytes (mapped, not copied) for the streaming parser."""

    def __init__(self, data: Data) -> None:
        self._view = memoryview(data)
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size < 0 else self._at + size
        chunk = bytes(self._view[self._at : end])
        self._at += len(chunk)
        return chunk


CHUNK_ROWS = 65_536
MAX_DEPTH = 32  # a Point feature needs 5; a property's value may nest a little


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))  # big integers too
    return str(v)


class _Columns:
    """Rows of text cells gathered into Arrow tables of CHUNK_ROWS rows."""

    def __init__(self) -> None:
        self.chunks: list[pa.Table] = []
        self.cols: dict[str, list[str]] = {}
        self.at = 0  # the current chunk's rows
        self.rows = 0

    def add(self, row: dict[str, str]) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise BatchError(f"超过 {MAX_ROWS} 个要素；每批至多 {MAX_ROWS} 行")
        for k, v in row.items():
            col = self.cols.setdefault(k, [])
            col.extend([""] * (self.at - len(col)))  # a property the earlier features lack
            col.append(v)
        self.at += 1
        if self.at == CHUNK_ROWS:
            self.close_chunk()

    def close_chunk(self) -> None:
        if self.at:
            pad = self.at
            self.chunks.append(
                pa.table({k: pa.array(v + [""] * (pad - len(v))) for k, v in self.cols.items()})
            )
        self.cols.clear()
        self.at = 0

    def table(self) -> pa.Table:
        self.close_chunk()
        if not self.chunks:
            return pa.table({"lon": pa.array([], pa.string()), "lat": pa.array([], pa.string())})
        return pa.concat_tables(self.chunks, promote_options="default")


_START = {"start_map": "map", "start_array": "array"}
_END = ("end_map", "end_array")


def _read_geojson(data: Data) -> pa.Table:
    """_features with yajl's C parser, or, for a number past 64 bits (which it cannot hold,
    and a valid file may have), with the pure-Python one, from the start."""
    try:
        return _features(data, ijson)
    except NotGeoJson as exc:
        if "integer overflow" not in str(exc):
            raise
        return _features(data, ijson.get_backend("python"))


def _features(data: Data, parser: Any) -> pa.Table:
    """A FeatureCollection's Point features, read as a stream of parser events: no feature is
    kept as Python objects past its row, nesting deeper than MAX_DEPTH is refused as it comes,
    and past MAX_ROWS features reading stops with an error — a file of 256 MiB of empty
    features (`[{},{},…]`) or of brackets costs seconds, not gigabytes.

    Depth d counts the open containers; at d=1 the collection, 2 its `features`, 3 a feature,
    4 its `properties` or `geometry`, 5 the geometry's `coordinates`."""
    out = _Columns()
    keys: list[Any] = [None] * (MAX_DEPTH + 2)  # the last key read in the map at each depth
    kinds: list[str] = [""] * (MAX_DEPTH + 2)
    d = 0
    row: dict[str, str] = {}
    geom_type: Any = None
    xy: list[Any] = []
    nested: Any = None  # a property's value being built (a list or an object)
    try:
        for ev, value in parser.basic_parse(_Reader(data), use_float=True):
            if nested is not None:  # inside a property's list or object
                nested.event(ev, value)
                if ev in _START:
                    d += 1
                    if d > MAX_DEPTH:
                        raise NotGeoJson(f"第 {out.rows + 1} 个要素嵌套超过 {MAX_DEPTH} 层")
                elif ev in _END:
                    d -= 1
                    if d == 4:
                        row[str(keys[4])] = _cell(nested.value)
                        nested = None
                continue
            if ev == "map_key":
                keys[d] = value
                continue
            if ev in _END:
                if d == 3 and kinds[1] == "map" and kinds[2] == "array" and keys[1] == "features":
                    point = geom_type == "Point" and len(xy) >= 2
                    row["lon"], row["lat"] = (_cell(xy[0]), _cell(xy[1])) if point else ("", "")
                    out.add(row)
                    row, geom_type, xy = {}, None, []
                d -= 1
                continue
            feature = d >= 2 and kinds[1] == "map" and keys[1] == "features" and kinds[2] == "array"
            if feature and d == 2:  # a feature begins
                if ev != "start_map":
                    raise NotGeoJson(f"第 {out.rows + 1} 个要素不是 GeoJSON Feature 对象")
            elif feature and d == 3 and keys[3] in ("properties", "geometry"):
                if ev not in ("start_map", "null"):
                    raise NotGeoJson(f"第 {out.rows + 1} 个要素的 {keys[3]} 不是对象")
            elif feature and d == 4 and keys[3] == "properties":
                if ev in _START:
                    nested = ijson.ObjectBuilder()
                    nested.event(ev, value)
                else:
                    row[str(keys[4])] = _cell(value)
            elif feature and d == 4 and keys[3] == "geometry" and keys[4] == "type":
                geom_type = value
            elif (
                feature
                and d == 5
                and (keys[3], keys[4], kinds[5]) == ("geometry", "coordinates", "array")
                and ev not in _START
                and len(xy) < 2
            ):
                xy.append(value)
            if ev in _START:
                d += 1
                if d > MAX_DEPTH:
                    raise NotGeoJson(f"第 {out.rows + 1} 个要素嵌套超过 {MAX_DEPTH} 层")
                kinds[d] = _START[ev]
                keys[d] = None
    except (ijson.JSONError, ValueError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__  # yajl draws below
        raise NotGeoJson(f"无法读取 GeoJSON：须为 FeatureCollection（{why}）") from exc
    if d != 0:
        raise NotGeoJson("无法读取 GeoJSON：文件不完整")
    return out.table()


_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def _numbers(col: pa.ChunkedArray) -> np.ndarray:
    """Decimal text to float64; NaN where the text is not a plain number."""
    s = pc.utf8_trim_whitespace(col)
    s = pc.if_else(pc.match_substring_regex(s, _NUMBER), s, pa.scalar(None, pa.string()))
    return np.asarray(pc.cast(s, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def _bools(x: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(x.to_numpy(zero_copy_only=False), dtype=bool)


def check(session: Session, table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """Vectorised row checks; returns (the rows with WGS84 x/y and received_lon/lat, cleaned
    crs, category and description; a reason per row, '' when accepted)."""
    n = table.num_rows
    reason = np.full(n, "", dtype=object)

    def fail(mask: np.ndarray, why: str) -> None:
        reason[mask & (reason == "")] = why

    for name in table.column_names:  # the input rule (geo/text.py), cell by cell
        fail(_bools(pc.match_substring_regex(table[name], CONTROL)), f"{name}: {MESSAGE}")
    lon, lat = _numbers(table["lon"]), _numbers(table["lat"])
    fail(~np.isfinite(lon) | ~np.isfinite(lat), "lon 和 lat 须为有限数值")
    crs = pc.utf8_lower(pc.utf8_trim_whitespace(table["crs"]))
    crs = pc.if_else(pc.equal(crs, ""), "wgs84", crs)
    fail(
        ~_bools(pc.is_in(crs, pa.array(CRS_NAMES))),
        "未知坐标系；可选 wgs84、gcj02、bd09、cgcs2000",
    )
    lon0, lat0 = np.nan_to_num(lon), np.nan_to_num(lat)
    fail(~in_china(lon0, lat0) & in_china(lat0, lon0), "疑似经纬度颠倒（经度在前）")
    fail(~in_china(lon0, lat0), "超出中国范围")
    known = pa.array(
        [r[0] for r in session.execute(text("SELECT code FROM categories"))], pa.string()
    )
    cat = pc.utf8_trim_whitespace(table["category"])
    fail(~_bools(pc.is_in(cat, known)), "未知的案件类别（见 /open311/v2/services.json）")
    desc = pc.utf8_trim_whitespace(table["description"])
    size = np.asarray(pc.utf8_length(desc).to_numpy(zero_copy_only=False))
    fail(size == 0, "description 为空")
    fail(size > 2000, "description 超过 2000 个字符")
    for name, most in (("address", 200), ("reporter_name", 50), ("reporter_phone", 20)):
        length = np.asarray(pc.utf8_length(table[name]).to_numpy(zero_copy_only=False))
        fail(length > most, f"{name} 超过 {most} 个字符")  # the JSON API's limits
    x, y = lon0.copy(), lat0.copy()
    for name in ("gcj02", "bd09"):
        sel = _bools(pc.equal(crs, name)) & (reason == "")
        if sel.any():
            x[sel], y[sel] = to_wgs84(lon0[sel], lat0[sel], name)
    out = pa.table(
        {
            "received_lon": lon0,
            "received_lat": lat0,
            "received_crs": crs,
            "x": x,
            "y": y,
            "category": cat,
            "description": desc,
            "address": table["address"],
            "reporter_name": table["reporter_name"],
            "reporter_phone": table["reporter_phone"],
        }
    )
    return out, reason
