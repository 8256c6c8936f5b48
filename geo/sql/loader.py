"""SQL files shipped as package resources.

A file is named by its place: `assignment` is geo/sql/assignment.sql (the core's), and
`coverage/siting` is geo/coverage/sql/siting.sql (a domain's). It holds named queries (`-- name:
insert_case`, looked up by name) and/or a script
(`-- step: title` statements, always run whole and in order, e.g. a derived table's build).
Parameters are bound (`:name`), never formatted in.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

_SECTION = re.compile(r"^-- (name|step):[ \t]*(\S*)[^\n]*\n", re.MULTILINE)


def sql_path(file: str) -> str:
    """Where `file` lives under geo/: `assignment` → sql/assignment.sql, `coverage/siting` →
    coverage/sql/siting.sql."""
    domain, _, name = file.rpartition("/")
    return f"{domain}/sql/{name}.sql" if domain else f"sql/{name}.sql"


@cache
def _sections(file: str) -> tuple[tuple[str, str, str], ...]:
    """(marker, name, statement) in file order."""
    source = files("geo").joinpath(sql_path(file)).read_text(encoding="utf-8")
    marks = list(_SECTION.finditer(source))
    out = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        body = source[m.end() : nxt.start() if nxt else len(source)]
        out.append((m.group(1), m.group(2), _strip(body)))
    return tuple(out)


def _strip(body: str) -> str:
    """The statement without its leading comment lines (what it does, for the reader: a
    `:name` there would read as a parameter), trailing ones (the next section's preamble)
    or `;`."""
    lines = body.rstrip().split("\n")
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("--")):
        lines.pop()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    return "\n".join(lines).rstrip().rstrip(";").strip()


@cache
def query(file: str, name: str) -> str:
    """The query `-- name: <name>` of the file (see sql_path)."""
    for marker, n, sql in _sections(file):
        if marker == "name" and n == name:
            return sql
    raise KeyError(f"no query {name!r} in geo/{sql_path(file)}")


@cache
def script(file: str) -> tuple[str, ...]:
    """Every `-- step:` statement of the file (see sql_path), in order: run them all."""
    out = tuple(sql for marker, _, sql in _sections(file) if marker == "step")
    if not out:
        raise KeyError(f"no steps in geo/{sql_path(file)}")
    return out


_BIND = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def to_driver(sql: str) -> str:
    """The same statement in psycopg's placeholder style (:lon → %(lon)s; casts such as
    ::geography stay), for hot paths that run on the driver connection without SQLAlchemy."""
    return _BIND.sub(r"%(\1)s", sql.replace("%", "%%"))
