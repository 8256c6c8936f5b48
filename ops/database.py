"""Which database a process uses: DATABASE_URL, or the private cluster under var/ started on
demand (ops/cluster.py)."""

from __future__ import annotations

from geo.settings import Settings
from ops.cluster import Cluster


def local_cluster(settings: Settings) -> Cluster:
    return Cluster(root=settings.pg_dir, port=settings.pg_port)


def resolve_url(settings: Settings, start: bool = True) -> str:
    """DATABASE_URL if set; otherwise the private cluster, started (and initialised) on demand."""
    if settings.database_url:
        url = settings.database_url
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    cluster = local_cluster(settings)
    return cluster.up() if start else cluster.url()
