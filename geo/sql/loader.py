"""SQL files shipped as package resources, split into their "-- step:" statements."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files


@cache
def steps(name: str) -> tuple[str, ...]:
    text = files("geo.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")
    chunks = text.split("-- step:")[1:]
    return tuple(c.split("\n", 1)[1].strip().rstrip(";") for c in chunks)  # first line: title


_BIND = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@cache
def driver_steps(name: str) -> tuple[str, ...]:
    """The same statements in psycopg's placeholder style (:lon → %(lon)s; casts such as
    ::geography stay), for hot paths that run on the driver connection without SQLAlchemy."""
    return tuple(_BIND.sub(r"%(\1)s", s.replace("%", "%%")) for s in steps(name))
