"""Backups (docs/operations.md): `gridmap backup FILE` writes the whole database in pg_dump's
custom format (compressed; PostGIS and pgRouting come back as their CREATE EXTENSION, the data
of every table including the derived ones); `gridmap restore FILE` reads one into a database
that holds no tables yet (or, with force, one whose tables are dropped first), in one
transaction: a failed restore leaves nothing half done.

The same PostgreSQL major version's pg_dump / pg_restore as the private cluster's (Debian's
postgresql-15). No owners and no comments are restored, so a database whose owner is not a
superuser takes the backup as it is.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
from psycopg import sql

from geo.cases.partitions import ARCHIVE
from ops.cluster import pg_bin


class BackupError(RuntimeError):
    pass


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://…) as libpq reads it."""
    return "postgresql://" + url.split("://", 1)[1]


def backup(url: str, file: Path) -> int:
    """Write the database to file; return its size in bytes."""
    cmd = [str(pg_bin() / "pg_dump"), "--format=custom", "--compress=6", "--no-owner"]
    run([*cmd, "--file", str(file), "--dbname", libpq_url(url)])
    return file.stat().st_size


def tables(url: str) -> list[str]:
    """The database's own tables (not an extension's)."""
    with psycopg.connect(libpq_url(url)) as conn:
        rows = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT EXISTS ("
            " SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') "
            "ORDER BY 1"
        ).fetchall()
    return [r[0] for r in rows]


def restore(url: str, file: Path, force: bool = False) -> None:
    """Read a backup into the database at url (see the module's rule for a non-empty one)."""
    if not file.is_file():
        raise BackupError(f"no backup file {file}")
    found = tables(url)
    if found and not force:
        raise BackupError(
            f"the database already holds {len(found)} tables ({', '.join(found[:3])} …); "
            "restore into an empty database, or pass --force to drop them first"
        )
    if found:
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute(  # archived months
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(ARCHIVE))
            )
            conn.execute("CREATE SCHEMA public")
    run(
        [str(pg_bin() / "pg_restore"), "--no-owner", "--no-comments", "--exit-on-error"]
        + ["--single-transaction", "--dbname", libpq_url(url), str(file)]
    )


def run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()[-2000:]}")
