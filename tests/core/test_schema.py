import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geo.migrate import downgrade, upgrade
from tests.fixtures import COMMUNITY, ewkt, m_box

GEOM_TABLES = (
    "districts",
    "streets",
    "communities",
    "grids",
    "coverage_targets",
    "grid_slivers",
    "walking_areas",
    "compounds",
    "compound_entrances",
    "residential_buildings",
    "business_communities",
    "buildings",
    "open_blocks",
    "facilities",
    "offers",
    "shops",
    "road_edges",
    "cases",
    "patrol_points",
)


def test_private_cluster_is_on_its_own_socket_not_the_system_port(cluster) -> None:  # type: ignore[no-untyped-def]
    assert cluster.port != 5432
    assert (cluster.socket_dir / f".s.PGSQL.{cluster.port}").exists()
    assert str(cluster.socket_dir) in cluster.url()


def test_postgis_and_pgrouting_are_installed(session: Session) -> None:
    exts = dict(session.execute(text("SELECT extname, extversion FROM pg_extension")).all())
    assert "postgis" in exts
    assert "pgrouting" in exts


def test_every_geometry_column_is_4326_with_a_gist_index(session: Session) -> None:
    cols = session.execute(
        text(
            "SELECT f_table_name, srid, type FROM geometry_columns WHERE f_table_schema = 'public' "
            "AND f_table_name NOT IN (SELECT viewname FROM pg_views) "
            "AND f_table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)"
        )
    ).all()
    assert {c.f_table_name for c in cols} == set(GEOM_TABLES)
    assert {c.srid for c in cols} == {4326}
    gist = {
        r[0]
        for r in session.execute(
            text("SELECT tablename FROM pg_indexes WHERE indexdef ILIKE '%USING gist%'")
        )
    }
    assert set(GEOM_TABLES) <= gist


def test_invalid_polygon_is_refused_by_the_check_constraint(session: Session) -> None:
    bowtie = "SRID=4326;MULTIPOLYGON(((120 30.3,120.01 30.31,120.01 30.3,120 30.31,120 30.3)))"
    with pytest.raises(IntegrityError, match="ck_grids_geom_valid"):  # noqa: PT012 (flushed)
        session.execute(
            text(
                "INSERT INTO grids (code, name, community_code, geom) "
                "VALUES ('330105001001009', 'x', :m, :g)"
            ),
            {"m": COMMUNITY, "g": bowtie},
        )
        session.flush()


def test_grid_code_must_have_fifteen_digits(session: Session) -> None:
    with pytest.raises(IntegrityError, match="ck_grids_code"):
        session.execute(
            text(
                "INSERT INTO grids (code, name, community_code, geom) "
                "VALUES ('3301050010010', 'x', :m, :g)"
            ),
            {"m": COMMUNITY, "g": ewkt(m_box(0, 0, 10, 10))},
        )


def test_migrations_downgrade_to_nothing_and_up_again(cluster) -> None:  # type: ignore[no-untyped-def]
    cluster.ensure_database("gridmap_migrations")
    url = cluster.url("gridmap_migrations")
    upgrade(url)
    downgrade(url, "base")
    engine = create_engine(url)
    with engine.connect() as c:
        assert c.execute(text("SELECT to_regclass('public.grids')")).scalar() is None
    upgrade(url)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM categories")).scalar() >= 12
    engine.dispose()


def test_migrations_alone_prepare_a_bare_database(cluster) -> None:  # type: ignore[no-untyped-def]
    """DATABASE_URL mode: a database with nothing in it, then only the migrations."""
    import psycopg

    with psycopg.connect(cluster.conninfo("postgres"), autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS gridmap_bare")
        c.execute("CREATE DATABASE gridmap_bare")
    url = cluster.url("gridmap_bare")
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as c:
        exts = {r[0] for r in c.execute(text("SELECT extname FROM pg_extension"))}
        assert {"postgis", "pgrouting"} <= exts
    engine.dispose()
