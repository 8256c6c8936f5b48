"""A private PostgreSQL + PostGIS cluster under a directory of ours.

It listens only on a unix socket inside its own directory (and its own port number,
which names the socket), so it never meets the system cluster on 5432. PostgreSQL
refuses to run as root, so under root the server runs as the unprivileged `postgres`
account that Debian's packages create, owning only the cluster directory.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN_CANDIDATES = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin")
DB_NAME = "gridmap"
DB_USER = "gridmap"


class ClusterError(RuntimeError):
    pass


def pg_bin() -> Path:
    for cand in PG_BIN_CANDIDATES:
        if (Path(cand) / "initdb").exists():
            return Path(cand)
    raise ClusterError(
        "PostgreSQL server binaries not found; run `bash scripts/system-deps.sh` (as root)"
    )


@dataclass(frozen=True)
class Cluster:
    root: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    def url(self, dbname: str = DB_NAME) -> str:
        return f"postgresql+psycopg://{DB_USER}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def conninfo(self, dbname: str = DB_NAME) -> str:
        return f"host={self.socket_dir} port={self.port} user={DB_USER} dbname={dbname}"

    # -- lifecycle -------------------------------------------------------------------

    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(pg_bin() / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def running(self) -> bool:
        if not self.initialized():
            return False
        return (
            self._run(["pg_ctl", "status", "-D", str(self.data_dir)], check=False).returncode == 0
        )

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _give_to_postgres(self.root)
        res = self._run(
            [
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                DB_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            check=False,
        )
        if res.returncode != 0:
            raise ClusterError(f"initdb failed: {res.stderr.strip()}")
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as f:
            # Socket only: no TCP listener, so trust auth never reaches the network.
            f.write(
                "\n# gridmap private cluster\n"
                "listen_addresses = ''\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "fsync = on\nshared_buffers = 256MB\nwork_mem = 32MB\n"
                "maintenance_work_mem = 256MB\nmax_connections = 100\n"
                # Batch imports: temp tables of a million rows stay in memory, and a big
                # INSERT does not trigger checkpoints half-way. Its ~1 GB of WAL goes into
                # recycled segments, not new ones zero-filled first (6 % of an import's CPU).
                "temp_buffers = 256MB\nmax_wal_size = 4GB\ncheckpoint_timeout = 15min\n"
                "min_wal_size = 1GB\nwal_init_zero = off\nwal_buffers = 64MB\njit = off\n"
            )

    def start(self) -> None:
        if self.running():
            return
        res = self._run(
            [
                "pg_ctl",
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                f"-p {self.port} -k {self.socket_dir}",
            ],
            check=False,
        )
        if res.returncode != 0:
            tail = (
                self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            )
            raise ClusterError(f"postgres did not start: {res.stderr.strip()}\n{tail}")

    def stop(self) -> None:
        if self.running():
            self._run(["pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir)])

    def ensure_database(self, dbname: str = DB_NAME) -> None:
        """Create the database and its extensions if missing (idempotent)."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        with psycopg.connect(self.conninfo(dbname), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            conn.execute("CREATE EXTENSION IF NOT EXISTS pgrouting")

    def up(self, dbname: str = DB_NAME) -> str:
        """Init on first use, start if stopped, make sure the database exists; return its URL."""
        if not self.initialized():
            self.init()
        self.start()
        deadline = time.monotonic() + 30
        while not (self.socket_dir / f".s.PGSQL.{self.port}").exists():
            if time.monotonic() > deadline:
                raise ClusterError(f"socket did not appear in {self.socket_dir}")
            time.sleep(0.1)
        self.ensure_database(dbname)
        return self.url(dbname)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _give_to_postgres(path: Path) -> None:
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ClusterError(
            "running as root needs the `postgres` account (postgresql package)"
        ) from exc
    for p in [path, *path.rglob("*")]:
        os.chown(p, pw.pw_uid, pw.pw_gid)
    # The server must reach its directory through every parent.
    for parent in path.parents:
        if not os.access(parent, os.X_OK) or not (parent.stat().st_mode & 0o001):
            raise ClusterError(
                f"{parent} is not traversable by the postgres account; set GRIDMAP_VAR to a "
                "directory it can reach, or run as a normal user"
            )
