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
        raise PointError(f"unknown crs {crs!r}; use one of {', '.join(CRS_NAMES)}")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise PointError("lon and lat must be finite numbers")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not bool(in_china(lon, lat)):
        if bool(in_china(lat, lon)):
            raise PointError(
                f"lon={lon}, lat={lat} looks swapped: longitude comes first "
                f"(did you mean lon={lat}, lat={lon}?)"
            )
        raise PointError(f"lon={lon}, lat={lat} is outside China's extent")
    x, y = to_wgs84(lon, lat, crs)
    return float(x), float(y)
