"""Loaders: every file format, CRS handling, per-row repairs and rejections, bad files."""

import warnings
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.loaders import LoadError
from data.load.upsert import load_layer
from geo.crs import wgs84_to_bd09, wgs84_to_gcj02
from tests.fixtures import COMMUNITY, SETTINGS, m_box, m_point

GEOD = Geod(ellps="WGS84")


def grids_frame(
    *rows: tuple[str, str, shapely.Geometry], crs: int | None = 4326
) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "community_code": [COMMUNITY] * len(rows),
        },
        geometry=[r[2] for r in rows],
        crs=crs,
    )


def write_shapefile(gdf: gpd.GeoDataFrame, path: Path, **kw: str) -> None:
    """Shapefiles cut field names to 10 characters (community_code -> community_), and warn."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf.to_file(path, **kw)


def count(session: Session, table: str) -> int:
    return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


def test_geojson_reload_is_an_idempotent_upsert_by_code(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "grids.geojson"
    grids_frame(("330105001001003", "新网格", m_box(400, 0, 600, 200))).to_file(f)
    first = load_layer(session, SETTINGS, "grids", f)
    assert (first.inserted, first.updated, first.rejected) == (1, 0, [])
    grids_frame(("330105001001003", "新网格(改名)", m_box(400, 0, 600, 200))).to_file(f)
    second = load_layer(session, SETTINGS, "grids", f)
    assert (second.inserted, second.updated) == (0, 1)
    assert count(session, "grids") == 3
    name = session.execute(text("SELECT name FROM grids WHERE code = '330105001001003'")).scalar()
    assert name == "新网格(改名)"


def test_geopackage_in_a_projected_crs_is_reprojected(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "compounds.gpkg"
    wgs = m_box(40, 40, 100, 100)
    metric = gpd.GeoSeries([wgs], crs=4326).to_crs(4549).iloc[0]
    gpd.GeoDataFrame(
        {"code": ["X1"], "name": ["投影小区"], "community_code": [COMMUNITY], "households": [120]},
        geometry=[metric],
        crs=4549,
    ).to_file(f, layer="c")
    report = load_layer(session, SETTINGS, "compounds", f)
    assert report.inserted == 1
    assert "4549" in report.crs
    stored = session.execute(
        text("SELECT ST_AsText(geom) FROM compounds WHERE code = 'X1'")
    ).scalar()
    assert shapely.from_wkt(stored).equals_exact(shapely.multipolygons([wgs]), tolerance=1e-7)


def test_csv_points_with_chinese_headers(session: Session, tmp_path: Path) -> None:
    lon, lat = m_point(50, 50)
    f = tmp_path / "facilities.csv"
    f.write_text(
        f"编码,名称,类型,经度,纬度\nF1,测试驿站,courier_post,{lon},{lat}\n", encoding="utf-8"
    )
    report = load_layer(session, SETTINGS, "facilities", f)
    assert report.inserted == 1
    assert report.rejected == []


def test_compound_gates_load_with_chinese_headers_and_a_known_compound(
    session: Session, tmp_path: Path
) -> None:
    from tests.fixtures import COMPOUND

    lon, lat = m_point(20, 100)
    f = tmp_path / "gates.csv"
    f.write_text(
        f"编码,小区编码,名称,经度,纬度\nG1,{COMPOUND},西门,{lon},{lat}\n"
        f"G2,330105999999XQ001,无此小区,{lon},{lat}\n",
        encoding="utf-8",
    )
    report = load_layer(session, SETTINGS, "compound_entrances", f)
    assert report.inserted == 1
    assert "未知的 compound_code" in report.rejected[0]["reason"]
    assert (
        session.execute(  # the coverage graph is rebuilt with the gate
            text("SELECT stale FROM derived_tables WHERE name = 'coverage_graph'")
        ).scalar()
        is False
    )
    row = session.execute(
        text("SELECT compound_code, name FROM compound_entrances WHERE code = 'G1'")
    ).one()
    assert tuple(row) == (COMPOUND, "西门")


def test_gbk_shapefile_reads_with_encoding_option(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "grids.shp"
    write_shapefile(
        grids_frame(("330105001001004", "拱宸桥网格", m_box(0, 200, 200, 400))), f, encoding="GBK"
    )
    (tmp_path / "grids.cpg").unlink(missing_ok=True)  # as many Chinese shapefiles arrive: no .cpg
    report = load_layer(session, SETTINGS, "grids", f, encoding="gbk")
    assert report.inserted == 1
    name = session.execute(text("SELECT name FROM grids WHERE code = '330105001001004'")).scalar()
    assert name == "拱宸桥网格"


@pytest.mark.parametrize("src", ["gcj02", "bd09"])
def test_shifted_coordinates_are_converted_to_wgs84(
    session: Session, tmp_path: Path, src: str
) -> None:
    lon, lat = m_point(60, 60)
    shifted = wgs84_to_gcj02(lon, lat) if src == "gcj02" else wgs84_to_bd09(lon, lat)
    f = tmp_path / "f.geojson"
    gpd.GeoDataFrame(
        {"code": ["F9"], "name": ["驿站"], "kind": ["courier_post"]},
        geometry=[shapely.Point(*map(float, shifted))],
        crs=4326,
    ).to_file(f)
    load_layer(session, SETTINGS, "facilities", f, crs=src)
    x, y = session.execute(
        text("SELECT ST_X(geom), ST_Y(geom) FROM facilities WHERE code='F9'")
    ).one()
    assert GEOD.inv(lon, lat, x, y)[2] < 0.5


def test_invalid_polygon_is_repaired_and_reported(session: Session, tmp_path: Path) -> None:
    a, b = m_point(0, 200), m_point(200, 400)
    bowtie = shapely.Polygon([a, (b[0], b[1]), (b[0], a[1]), (a[0], b[1]), a])
    f = tmp_path / "g.geojson"
    grids_frame(("330105001001005", "自相交网格", bowtie)).to_file(f)
    report = load_layer(session, SETTINGS, "grids", f)
    assert report.inserted == 1
    assert report.repaired
    assert "Self-intersection" in report.repaired[0]["reason"]
    assert session.execute(
        text("SELECT ST_IsValid(geom) FROM grids WHERE code='330105001001005'")
    ).scalar()


def test_bad_rows_are_rejected_with_reasons_and_good_rows_kept(
    session: Session, tmp_path: Path
) -> None:
    flat = shapely.Polygon([m_point(0, 0), m_point(10, 0), m_point(20, 0), m_point(0, 0)])
    gdf = grids_frame(
        ("330105001001006", "好网格", m_box(0, 400, 200, 600)),
        ("330105001001006", "重复编码", m_box(0, 600, 200, 800)),
        ("33010500100", "编码太短", m_box(0, 800, 200, 1000)),
        ("330105001001007", "退化多边形", flat),
        ("330105001001008", "社区不存在", m_box(0, 1000, 200, 1200)),
    )
    gdf.loc[4, "community_code"] = "330105999999"
    f = tmp_path / "g.geojson"
    gdf.to_file(f)
    report = load_layer(session, SETTINGS, "grids", f)
    assert report.inserted == 1
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert "重复" in reasons[2]
    assert "首见于第 1 行" in reasons[2]
    assert "15 位数字" in reasons[3]
    assert "面积为零" in reasons[4]
    assert "未知的 community_code「330105999999」" in reasons[5]


def _assert_nothing_written(session: Session, before: int) -> None:
    assert count(session, "grids") == before


def test_missing_columns_is_a_file_error(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "g.geojson"
    gpd.GeoDataFrame({"code": ["330105001001009"]}, geometry=[m_box(0, 0, 1, 1)], crs=4326).to_file(
        f
    )
    before = count(session, "grids")
    with pytest.raises(LoadError, match="缺少列 .*name.*community_code"):
        load_layer(session, SETTINGS, "grids", f)
    _assert_nothing_written(session, before)


def test_wrong_geometry_type_is_a_file_error(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "g.geojson"
    grids_frame(("330105001001009", "点", shapely.Point(m_point(1, 1)))).to_file(f)
    with pytest.raises(LoadError, match="几何类型 Point 不符.*须为 polygon"):
        load_layer(session, SETTINGS, "grids", f)


def test_empty_file_is_a_file_error(tmp_path: Path, session: Session) -> None:
    f = tmp_path / "empty.geojson"
    f.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(LoadError, match="没有数据行"):
        load_layer(session, SETTINGS, "grids", f)


def test_shapefile_without_prj_needs_crs(tmp_path: Path, session: Session) -> None:
    f = tmp_path / "g.shp"
    write_shapefile(grids_frame(("330105001001009", "x", m_box(0, 0, 5, 5))), f)
    (tmp_path / "g.prj").unlink()
    with pytest.raises(LoadError, match="未声明坐标系；请给出 --crs"):
        load_layer(session, SETTINGS, "grids", f)
    assert load_layer(session, SETTINGS, "grids", f, crs="wgs84").inserted == 1


def test_unknown_crs_name_is_a_file_error(tmp_path: Path, session: Session) -> None:
    f = tmp_path / "g.geojson"
    grids_frame(("330105001001009", "x", m_box(0, 0, 5, 5))).to_file(f)
    with pytest.raises(LoadError, match="未知坐标系「mars」"):
        load_layer(session, SETTINGS, "grids", f, crs="mars")


def test_coordinates_outside_china_are_a_file_error(tmp_path: Path, session: Session) -> None:
    f = tmp_path / "g.geojson"
    grids_frame(("330105001001009", "巴黎", shapely.box(2.3, 48.8, 2.4, 48.9))).to_file(f)
    with pytest.raises(LoadError, match="不可能在中国境内"):
        load_layer(session, SETTINGS, "grids", f)


def test_swapped_lat_lon_is_named(tmp_path: Path, session: Session) -> None:
    lon, lat = m_point(0, 0)
    f = tmp_path / "g.csv"
    f.write_text(f"code,name,kind,lon,lat\nF1,驿站,courier_post,{lat},{lon}\n")
    with pytest.raises(LoadError, match="经纬度颠倒"):
        load_layer(session, SETTINGS, "facilities", f)


def test_roads_get_shared_node_ids_from_their_endpoints(tmp_path: Path, session: Session) -> None:
    a, b, c = m_point(0, 0), m_point(100, 0), m_point(100, 100)
    f = tmp_path / "roads.geojson"
    gpd.GeoDataFrame(
        {"id": [1, 2], "name": ["甲路", "乙路"]},
        geometry=[shapely.LineString([a, b]), shapely.LineString([b, c])],
        crs=4326,
    ).to_file(f)
    assert load_layer(session, SETTINGS, "roads", f).inserted == 2
    rows = session.execute(
        text("SELECT source, target, length_m FROM road_edges ORDER BY id")
    ).all()
    assert rows[0].target == rows[1].source
    assert rows[0].source != rows[1].target
    assert rows[0].length_m == pytest.approx(100, abs=0.5)
