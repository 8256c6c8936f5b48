"""Schematic compound gates of the demo and synthetic cities (data/demo/city.py)."""

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.demo.city import _GATES
from tests.fixtures import COMPOUND, m_point

ROAD = (
    "INSERT INTO road_edges (id, source, target, length_m, cost, reverse_cost, main, geom) "
    "VALUES (:id, :id * 10, :id * 10 + 1, 60, 60, 60, true, ST_GeomFromEWKT(:g))"
)
TOP = ((40, 180), (100, 180))  # the test compound is the box (20, 20)-(180, 180)
RIGHT = ((180, 40), (180, 100))


def line(xy: tuple[tuple[float, float], ...]) -> str:
    points = ", ".join("{} {}".format(*m_point(x, y)) for x, y in xy)
    return f"SRID=4326;LINESTRING({points})"


@pytest.mark.parametrize("first", [TOP, RIGHT])
def test_of_roads_equally_near_the_main_gate_takes_the_lowest_id(
    session: Session, first: tuple[tuple[float, float], ...]
) -> None:
    """Both roads run along the compound's sides (within 1 cm), whichever was stored first:
    the gate is on the lower id, so every build of the same data places the same gates."""
    second = RIGHT if first is TOP else TOP
    session.execute(text(ROAD), {"id": 907, "g": line(first)})
    session.execute(text(ROAD), {"id": 903, "g": line(second)})
    session.execute(text(_GATES[0]))
    on = (
        session.execute(
            text(
                "SELECT r.id FROM compound_entrances e JOIN road_edges r "
                "ON ST_DWithin(r.geom, e.geom, 1e-7) WHERE e.code = :c || '-M1'"
            ),
            {"c": COMPOUND},
        )
        .scalars()
        .all()
    )
    assert on == [903]
