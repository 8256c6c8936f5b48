"""Settings read once from the environment into one frozen object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    """External database; None means the project-managed local cluster under var_dir."""
    var_dir: Path
    pg_port: int
    snap_distance_m: float
    port: int
    demo_key: str

    @property
    def pg_dir(self) -> Path:
        return self.var_dir / "pg"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    e = dict(os.environ) if env is None else env
    return Settings(
        database_url=e.get("DATABASE_URL") or None,
        var_dir=Path(e.get("GRIDMAP_VAR", str(REPO_ROOT / "var"))),
        pg_port=int(e.get("GRIDMAP_PG_PORT", "54329")),
        snap_distance_m=float(e.get("GRIDMAP_SNAP_M", "100")),
        port=int(e.get("PORT", "5000")),
        demo_key=e.get("GRIDMAP_DEMO_KEY", "demo-key"),
    )
