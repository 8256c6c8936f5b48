"""A read replica (issue #20): a streaming replica of a private cluster (pg_basebackup), named
by DATABASE_URL_READ. Map layers, tiles, statistics and the OGC API read from it; a case is
written to the primary and is visible on the replica once replayed. Replay is paused to tell
the two apart: while it is, the primary has the case and the replica's answers do not."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ops.cluster import Cluster
from tests.conftest import _free_port, keyed, scratch_database, throwaway_cluster
from tests.fixtures import SETTINGS, m_point


@pytest.fixture(scope="module")
def primary_and_replica() -> Iterator[tuple[Cluster, Cluster]]:
    with throwaway_cluster("gridmap-primary-") as primary:
        scratch_database(primary, "gridmap_test")
        root = Path(tempfile.mkdtemp(prefix="gridmap-replica-"))
        root.chmod(0o755)
        replica = Cluster(root=root / "cluster", port=_free_port())
        replica.root.mkdir()
        replica.socket_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(replica.root, "postgres")
            shutil.chown(replica.socket_dir, "postgres")
        done = replica._run(
            [
                "pg_basebackup",
                "-D",
                str(replica.data_dir),
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
            ]
            + ["-h", str(primary.socket_dir), "-p", str(primary.port), "-U", "gridmap"],
            check=False,
        )
        assert done.returncode == 0, done.stderr
        replica.start()  # its own port and socket; standby.signal: a streaming replica
        try:
            yield primary, replica
        finally:
            replica.destroy()
            shutil.rmtree(root, ignore_errors=True)


def test_reads_go_to_the_replica_and_writes_to_the_primary(primary_and_replica) -> None:  # type: ignore[no-untyped-def]
    from webmap import create_app

    primary, replica = primary_and_replica
    with psycopg.connect(replica.conninfo("gridmap_test"), autocommit=True) as r:
        assert r.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
    app = create_app(
        {
            "DATABASE_URL": primary.url("gridmap_test"),
            "DATABASE_URL_READ": replica.url("gridmap_test"),
            "SETTINGS": SETTINGS,
        }
    )
    client = keyed(app, "command-key")

    def on_map() -> set[str]:
        fc = client.get("/api/v1/layers/cases.geojson").get_json()
        return {f["properties"]["code"] for f in fc["features"]}

    def counted() -> int:
        return int(client.get("/api/v1/stats/cockpit").get_json()["open"])

    before, open_before = on_map(), counted()
    with psycopg.connect(replica.conninfo("gridmap_test"), autocommit=True) as r:
        r.execute("SELECT pg_wal_replay_pause()")
        lon, lat = m_point(300, 100)
        made = client.post(
            "/api/v1/cases",
            json={"lon": lon, "lat": lat, "category": "parking", "description": "主库写入"},
        )
        assert made.status_code == 201, made.get_json()
        code = str(made.get_json()["id"])
        with psycopg.connect(primary.conninfo("gridmap_test")) as p:  # written on the primary
            assert p.execute("SELECT count(*) FROM cases WHERE id = %s", (int(code),)).fetchone()
        assert client.get(f"/api/v1/cases/{code}").status_code == 200  # read-your-write: primary
        assert code not in on_map()
        assert counted() == open_before
        r.execute("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 30
    while code not in on_map():
        assert time.monotonic() < deadline, "the replica never showed the case"
        time.sleep(0.2)
    assert on_map() == before | {code}
    assert counted() == open_before + 1
