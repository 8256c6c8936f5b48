"""The databases the benches run on, built when missing: the demo `gridmap` (what `make run`
builds) and the synthetic `gridmap_scale10` (`gridmap generate --scale 10`, 10 to 20 minutes on
a 2-core VM).
A database can exist without even the schema (a first run interrupted): that counts as
missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from data.demo.accounts import ensure_demo_accounts
from data.demo.units import build_units, route_demo_cases
from geo.migrate import upgrade
from geo.settings import load_settings
from ops.database import local_cluster

BIN = Path(sys.executable).parent
BUILD = {"gridmap": ["demo"], "gridmap_scale10": ["generate", "--scale", "10"]}


def has_grids(engine: Engine) -> bool:
    with engine.connect() as c:
        if c.execute(text("SELECT to_regclass('grids')")).scalar() is None:
            return False
        return bool(c.execute(text("SELECT EXISTS (SELECT 1 FROM grids)")).scalar())


def district(db: str) -> tuple[str, Engine]:
    """The local cluster's database `db` (started), built first if it holds no district."""
    url = local_cluster(load_settings()).up(db)
    engine = create_engine(url)
    if not has_grids(engine):
        print(f"{db} holds no district: building it (gridmap {' '.join(BUILD[db])}) …")
        subprocess.run([str(BIN / "gridmap"), *BUILD[db], "--force"], check=True)
    upgrade(url)  # a database built before the latest migrations
    with Session(engine) as s:  # built before accounts: the demo ones, and the demo key
        ensure_demo_accounts(s, load_settings().demo_key)
        if not s.execute(text("SELECT EXISTS (SELECT 1 FROM units)")).scalar():
            build_units(s)  # built before the handling units (issue #29): them, and the
            route_demo_cases(s)  # cases' units, rework, 督办 and 挂账 the demo gives
        s.commit()
    return url, engine
