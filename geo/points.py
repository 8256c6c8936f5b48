"""Points as they arrive (lon/lat in one of four CRS) checked and turned into WGS84."""

from __future__ import annotations

import math

from geo.crs import in_china, to_wgs84
from geo.errors import Unprocessable
from geo.vocabulary import CRS_NAMES


class PointError(Unprocessable):
    """The point cannot be placed; the message says why."""


def to_wgs84_point(lon: float, lat: float, crs: str = "wgs84") -> tuple[float, float]:
    """Check a received point and return it in WGS84 degrees.

    Rejects non-finite values, an unknown CRS, a point plainly lat/lon swapped, and one
    outside China's extent (where GCJ-02/BD-09 are not even defined).
    """
    if crs not in CRS_NAMES:
        raise PointError(f"未知坐标系「{crs}」，可选：{'、'.join(CRS_NAMES)}")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise PointError("lon 和 lat 须为有限数值")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not bool(in_china(lon, lat)):
        if bool(in_china(lat, lon)):
            raise PointError(
                f"lon={lon}, lat={lat} 疑似经纬度颠倒：经度在前（是否应为 lon={lat}, lat={lon}？）"
            )
        raise PointError(f"lon={lon}, lat={lat} 超出中国范围")
    x, y = to_wgs84(lon, lat, crs)
    return float(x), float(y)
