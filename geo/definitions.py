"""Repeatable SQL definitions: functions and views that are code, not schema.

Each file of geo/sql/definitions/ and of a domain's sql/definitions/ (geo/cases,
geo/coverage, geo/residential: all applied together in file-name order, so a name says where
a file falls among them) is re-applied by `gridmap migrate`
whenever its text changes, recorded by SHA-256 in sql_definitions (migration 0012): changing
an algorithm is an edit of its file, not a new migration. Files use CREATE OR REPLACE (or
DROP … IF EXISTS before CREATE where a signature changes).
"""

from __future__ import annotations

import hashlib
from importlib.resources import files

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.db import driver


def definition_files() -> list[tuple[str, str]]:
    """(name, text) of every definitions file, in the order they are applied."""
    root = files("geo")
    folders = [root.joinpath("sql", "definitions")]
    folders += [d.joinpath("sql", "definitions") for d in root.iterdir() if d.is_dir()]
    found = [
        (f.name, f.read_text(encoding="utf-8"))
        for folder in folders
        if folder.is_dir()
        for f in folder.iterdir()
        if f.name.endswith(".sql")
    ]
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), f"two definitions files share a name: {names}"
    return sorted(found)


def apply_definitions(session: Session) -> list[str]:
    """Apply every file whose text differs from the one recorded; return their names."""
    recorded: dict[str, str] = dict(
        session.execute(text("SELECT name, sha256 FROM sql_definitions")).all()
    )
    applied = []
    for name, sql in definition_files():
        digest = hashlib.sha256(sql.encode()).hexdigest()
        if recorded.get(name) == digest:
            continue
        driver(session).execute(sql)  # several statements, no parameters: simple protocol
        session.execute(
            text(
                "INSERT INTO sql_definitions (name, sha256, applied_at) VALUES (:n, :h, now()) "
                "ON CONFLICT (name) DO UPDATE SET sha256 = :h, applied_at = now()"
            ),
            {"n": name, "h": digest},
        )
        applied.append(name)
    return applied
