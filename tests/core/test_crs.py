import numpy as np
import pytest
from pyproj import Geod

from geo import crs

GEOD = Geod(ellps="WGS84")


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def test_wgs84_to_gcj02_matches_amap_published_example() -> None:
    # Amap Web API coordinate/convert docs example:
    # 116.481499,39.990475 (gps) -> 116.487585177952,39.991754014757
    lon, lat = crs.wgs84_to_gcj02(116.481499, 39.990475)
    assert metres(lon, lat, 116.487585177952, 39.991754014757) < 0.5


def test_gcj02_to_bd09_matches_aliyun_hangzhou_example() -> None:
    # Alibaba Cloud address service TransferCoord example (Hangzhou): GCJ02 120.026268,30.279164
    lon, lat = crs.gcj02_to_bd09(120.026268, 30.279164)
    assert metres(lon, lat, 120.032768, 30.285238) < 0.5


def test_gcj02_inverse_is_exact_where_one_step_inverse_is_off_by_metres() -> None:
    # The same example's WGS84 (120.021519,30.281543) is the one-step inverse; ours iterates.
    lon, lat = crs.gcj02_to_wgs84(120.026268, 30.279164)
    assert 0.5 < metres(lon, lat, 120.021519, 30.281543) < 3.0
    back = crs.wgs84_to_gcj02(lon, lat)
    assert metres(*back, 120.026268, 30.279164) < 0.01


@pytest.mark.parametrize(
    "pair", [("wgs84_to_gcj02", "gcj02_to_wgs84"), ("wgs84_to_bd09", "bd09_to_wgs84")]
)
def test_round_trip_over_hangzhou_stays_under_half_a_metre(pair: tuple[str, str]) -> None:
    rng = np.random.default_rng(1)
    lon = rng.uniform(119.9, 120.4, 2000)
    lat = rng.uniform(30.1, 30.5, 2000)
    fwd, inv = (getattr(crs, n) for n in pair)
    lon2, lat2 = inv(*fwd(lon, lat))
    assert metres(lon, lat, lon2, lat2).max() < 0.5


def test_gcj02_offset_in_gongshu_is_hundreds_of_metres() -> None:
    lon, lat = crs.wgs84_to_gcj02(120.15, 30.30)
    assert 400 < metres(120.15, 30.30, lon, lat) < 700


def test_points_outside_china_are_not_shifted() -> None:
    lon, lat = crs.wgs84_to_gcj02(2.35, 48.85)  # Paris
    assert (float(lon), float(lat)) == (2.35, 48.85)


def test_cgcs2000_is_taken_as_wgs84() -> None:
    assert tuple(map(float, crs.to_wgs84(120.1, 30.3, "cgcs2000"))) == (120.1, 30.3)


def test_unknown_crs_names_the_choices() -> None:
    with pytest.raises(ValueError, match="wgs84, gcj02, bd09, cgcs2000"):
        crs.to_wgs84(120.1, 30.3, "mars")
