"""Per-row geometry checks for loaders: repair what can be repaired, reject the rest."""

from __future__ import annotations

import numpy as np
import shapely

from geo.crs import in_china

KIND_TYPES = {
    "polygon": ("Polygon", "MultiPolygon"),
    "point": ("Point",),
    "line": ("LineString", "MultiLineString"),
}


def fix_geometry(geom: object, kind: str) -> tuple[object | None, str | None, str | None]:
    """Return (geometry, repaired_reason, rejected_reason) for one row."""
    if geom is None or shapely.is_empty(geom):
        return None, None, "几何为空"
    name = geom.geom_type  # type: ignore[attr-defined]
    if name not in KIND_TYPES[kind]:
        return None, None, f"几何类型 {name} 不符，应为 {kind}"
    repaired = None
    if not shapely.is_valid(geom):
        reason = shapely.is_valid_reason(geom)
        fixed = shapely.make_valid(geom)
        parts = [p for p in shapely.get_parts(fixed) if p.geom_type in KIND_TYPES[kind]]
        if kind == "polygon":
            parts = [q for p in parts for q in shapely.get_parts(p) if q.area > 0]
        if not parts:
            return None, None, f"无效几何（{reason}），无法修复为 {kind}"
        geom = parts[0] if len(parts) == 1 else shapely.union_all(parts)
        repaired = f"已修复无效几何（{reason}）"
    if kind == "polygon":
        # ~1e10 m² per square degree at these latitudes: below a hundredth of a m² is no area.
        if shapely.area(geom) * 1e10 < 0.01:
            return None, None, "多边形面积为零（退化为线或点）"
        geom = shapely.multipolygons(shapely.get_parts(geom))
    if kind == "line" and geom.geom_type == "MultiLineString":  # type: ignore[attr-defined]
        merged = shapely.line_merge(geom)
        if merged.geom_type != "LineString":
            return None, None, "多段线无法连成一段"
        geom = merged
    return geom, repaired, None


def outside_china(geoms: np.ndarray) -> np.ndarray:
    """True where any vertex lies outside China's extent."""
    out = np.zeros(len(geoms), dtype=bool)
    for i, g in enumerate(geoms):
        if g is None or shapely.is_empty(g):
            continue
        xy = shapely.get_coordinates(g)
        out[i] = not bool(np.all(in_china(xy[:, 0], xy[:, 1])))
    return out


def looks_swapped(geoms: np.ndarray) -> bool:
    xy = shapely.get_coordinates(geoms)
    return bool(len(xy)) and bool(np.all(in_china(xy[:, 1], xy[:, 0])))
