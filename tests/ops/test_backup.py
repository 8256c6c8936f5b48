"""`gridmap backup` and `gridmap restore` (issue #20): a backup of a database with a district and
its cases, restored into an empty database, has every table's rows, and the cases exactly."""

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import sql

from cli import main
from geo.db import dispose_engines
from ops.backup import libpq_url, tables
from tests.conftest import keyed, scratch_database
from tests.fixtures import SETTINGS, m_point

CASES_SUM = "SELECT md5(string_agg(c::text, '|' ORDER BY c.id)) FROM cases c"


@pytest.fixture
def databases(cluster) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with psycopg.connect(cluster.conninfo("postgres"), autocommit=True) as conn:
        for name in ("gridmap_backup_src", "gridmap_backup_dst"):
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    src = scratch_database(cluster, "gridmap_backup_src")
    cluster.ensure_database("gridmap_backup_dst")  # empty: PostGIS and pgRouting only
    dst = cluster.url("gridmap_backup_dst")
    yield src, dst
    dispose_engines(src)
    dispose_engines(dst)


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(libpq_url(url)) as conn:
        return {
            t: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))
            ).fetchone()[0]  # type: ignore[index]
            for t in tables(url)
        }


def _archive_an_old_month(url: str) -> str:
    """A closed case of a year ago, its month archived (geo/cases/partitions.py): its table's
    name."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from geo.cases.partitions import archive, ensure_months

    engine = create_engine(url)
    with Session(engine) as s:
        at = s.execute(text("SELECT now() - interval '1 year'")).scalar_one()
        ensure_months(s, at, at)
        lon, lat = m_point(300, 100)
        s.execute(
            text(
                "INSERT INTO cases (received_lon, received_lat, received_crs, geom, "
                "category_code, description, status, created_at) VALUES (:x, :y, 'wgs84', "
                "ST_SetSRID(ST_MakePoint(:x, :y), 4326), 'parking', '去年的案件', 'closed', :at)"
            ),
            {"x": lon, "y": lat, "at": at},
        )
        month, now = s.execute(
            text(
                "SELECT to_char(CAST(:at AS timestamptz) AT TIME ZONE 'Asia/Shanghai', 'YYYY_MM'), "
                "to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
            ),
            {"at": at},
        ).one()
        assert month.replace("_", "-") in archive(s, now)  # every month before this one
        s.commit()
    engine.dispose()
    return f"archive.cases_{month}"


def test_a_backup_restores_into_an_empty_database_whole(databases, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from webmap import create_app

    src, dst = databases
    client = keyed(create_app({"DATABASE_URL": src, "SETTINGS": SETTINGS}), "command-key")
    for i in range(5):
        lon, lat = m_point(300 + 10 * i, 100)
        r = client.post(
            "/api/v1/cases",
            json={
                "lon": lon,
                "lat": lat,
                "category": "parking",
                "description": f"备份前的案件 {i}",
            },
        )
        assert r.status_code == 201, r.get_json()
    archived = _archive_an_old_month(src)
    file = tmp_path / "gridmap.dump"
    runner = CliRunner()
    done = runner.invoke(main, ["backup", str(file)], env={"DATABASE_URL": src})
    assert done.exit_code == 0, done.output
    assert file.stat().st_size > 0
    back = runner.invoke(main, ["restore", str(file)], env={"DATABASE_URL": dst})
    assert back.exit_code == 0, back.output
    before, after = counts(src), counts(dst)
    assert after == before
    assert before["cases"] == 5
    assert before["case_events"] > 5
    with psycopg.connect(libpq_url(src)) as a, psycopg.connect(libpq_url(dst)) as b:
        assert a.execute(CASES_SUM).fetchone() == b.execute(CASES_SUM).fetchone()
        # PostGIS came back with the data: a spatial question has the same answer
        near = (
            "SELECT count(*) FROM grids "
            "WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))"
        )
        lon, lat = m_point(300, 100)
        assert (
            a.execute(near, (lon, lat)).fetchone() == b.execute(near, (lon, lat)).fetchone() == (1,)
        )
    # a database that holds a district is not overwritten unless asked
    again = runner.invoke(main, ["restore", str(file)], env={"DATABASE_URL": dst})
    assert again.exit_code == 2
    assert "already holds" in again.output
    forced = runner.invoke(main, ["restore", "--force", str(file)], env={"DATABASE_URL": dst})
    assert forced.exit_code == 0, forced.output  # the archived month too was cleared first
    assert counts(dst) == before
    with psycopg.connect(libpq_url(dst)) as b:  # the archive came along
        assert b.execute(f"SELECT count(*) FROM {archived}").fetchone() == (1,)  # noqa: S608
    # and it is a database the platform serves: migrations at head, ready
    migrated = runner.invoke(main, ["migrate"], env={"DATABASE_URL": dst})
    assert migrated.exit_code == 0, migrated.output
    ready = create_app({"DATABASE_URL": dst, "SETTINGS": SETTINGS}).test_client().get("/readyz")
    assert ready.status_code == 200, ready.get_json()
