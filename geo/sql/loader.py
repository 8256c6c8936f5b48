"""SQL files shipped as package resources, split into their "-- step:" statements."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def steps(name: str) -> tuple[str, ...]:
    text = files("geo.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")
    chunks = text.split("-- step:")[1:]
    return tuple(c.split("\n", 1)[1].strip().rstrip(";") for c in chunks)  # first line: title
