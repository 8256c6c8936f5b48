"""Coordinate systems that reach us: WGS84, GCJ-02 (Amap/WeChat), BD-09 (Baidu), CGCS2000.

GCJ-02 and BD-09 use their published formulas (the GCJ-02 forward transform on the
Krasovsky ellipsoid; Baidu's BD-09 rotation/scale on top of GCJ-02). The inverses are
found by fixed-point iteration on the forward transform, to well under a centimetre.
CGCS2000 geographic coordinates are taken as WGS84: the two frames agree within centimetres.
All functions take and return degrees (lon, lat) and accept scalars or numpy arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from geo.vocabulary import CRS_NAMES

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0

# China's extent as the GCJ-02 obfuscation applies it (outside it, no shift).
CHINA_LON = (72.004, 137.8347)
CHINA_LAT = (0.8293, 55.8271)

Arr = NDArray[np.float64]


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    x, y = _as_arrays(lon, lat)
    return (x >= CHINA_LON[0]) & (x <= CHINA_LON[1]) & (y >= CHINA_LAT[0]) & (y <= CHINA_LAT[1])


def _delta(lon: Arr, lat: Arr) -> tuple[Arr, Arr]:
    x, y = lon - 105.0, lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    x, y = _as_arrays(lon, lat)
    dx, dy = _delta(x, y)
    return x + dx, y + dy


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    gx, gy = _as_arrays(lon, lat)
    x, y = gx.copy(), gy.copy()
    for _ in range(30):
        fx, fy = wgs84_to_gcj02(x, y)
        ex, ey = fx - gx, fy - gy
        x, y = x - ex, y - ey
        if np.all(np.abs(ex) < 1e-10) and np.all(np.abs(ey) < 1e-10):
            break
    return x, y


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    x, y = _as_arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    bx, by = _as_arrays(lon, lat)
    x, y = bx - 0.0065, by - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    gx, gy = z * np.cos(theta), z * np.sin(theta)
    for _ in range(10):  # refine the published closed-form inverse to the exact inverse
        fx, fy = gcj02_to_bd09(gx, gy)
        ex, ey = fx - bx, fy - by
        gx, gy = gx - ex, gy - ey
        if np.all(np.abs(ex) < 1e-11) and np.all(np.abs(ey) < 1e-11):
            break
    return gx, gy


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Arr, Arr]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(lon: ArrayLike, lat: ArrayLike, crs: str) -> tuple[Arr, Arr]:
    """Convert geographic (lon, lat) degrees in `crs` to WGS84 degrees."""
    if crs in ("wgs84", "cgcs2000"):
        return _as_arrays(lon, lat)
    if crs == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if crs == "bd09":
        return bd09_to_wgs84(lon, lat)
    raise ValueError(f"unknown crs {crs!r}; expected one of {', '.join(CRS_NAMES)}")


def from_wgs84(lon: ArrayLike, lat: ArrayLike, crs: str) -> tuple[Arr, Arr]:
    """Convert WGS84 degrees to `crs` (for display on a GCJ-02 or BD-09 basemap)."""
    if crs in ("wgs84", "cgcs2000"):
        return _as_arrays(lon, lat)
    if crs == "gcj02":
        return wgs84_to_gcj02(lon, lat)
    if crs == "bd09":
        return wgs84_to_bd09(lon, lat)
    raise ValueError(f"unknown crs {crs!r}; expected one of {', '.join(CRS_NAMES)}")
