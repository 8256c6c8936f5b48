"""facility_walks: every stored facility's walking distance to each compound within 2 km, a
derived table; coverage_walks(): those distances for any points, the one place they are worked
out (the derived table and a run's added sites both call it)

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Walking distance from each point (refs[i] at geoms[i], EPSG:4326) to each compound within lim
# metres, over the stored coverage graph and reach (coverage_graph.sql):
# - along the network: the point snaps to the nearest point of the main network, on a stored
#   piece whose two ends each compound's reach holds; the walk is the snap leg, along the piece
#   to an end, then the reach (the compound's own snap leg included). Exact: a point is a leaf
#   of the graph, so it shortens no other walk.
# - inside its own compound a resident walks the compound's paths, which the car-road network
#   lacks: a point within a compound reaches that compound by the straight line.
# One row per (ref, compound), the shorter of the two.
WALKS = """
CREATE FUNCTION coverage_walks(refs text[], geoms geometry[], lim float8)
RETURNS TABLE (ref text, pid bigint, d float8)
LANGUAGE sql STABLE AS $$
WITH src AS MATERIALIZED (
    SELECT r AS ref, g AS geom FROM unnest(refs, geoms) AS a(r, g)
), snap AS MATERIALIZED (
    SELECT s.ref, e.id AS edge_id, e.length_m, ST_LineLocatePoint(e.geom, s.geom) AS frac,
           ST_Distance(s.geom::geography, ST_ClosestPoint(e.geom, s.geom)::geography) AS snap_m
    FROM src s
    CROSS JOIN LATERAL (
        SELECT id, geom, length_m FROM road_edges WHERE main ORDER BY geom <-> s.geom LIMIT 1
    ) e
), ends AS MATERIALIZED (
    SELECT sn.ref, x.node, sn.snap_m + x.along AS d0
    FROM snap sn
    CROSS JOIN LATERAL (
        SELECT source, target, f0, f1 FROM coverage_graph
        WHERE edge_id = sn.edge_id AND sn.frac BETWEEN f0 AND f1
        ORDER BY f0 LIMIT 1
    ) p
    CROSS JOIN LATERAL (VALUES (p.source, (sn.frac - p.f0) * sn.length_m),
                               (p.target, (p.f1 - sn.frac) * sn.length_m)) AS x(node, along)
)
SELECT ref, pid, min(d) FROM (
    SELECT e.ref, r.pid::bigint AS pid, r.cost + e.d0 AS d
    FROM ends e JOIN coverage_reach r ON r.node = e.node
    WHERE r.cost + e.d0 <= lim
    UNION ALL
    SELECT s.ref, t.pid, i.d
    FROM src s
    JOIN compounds c ON ST_Covers(c.geom, s.geom)
    JOIN coverage_targets t ON t.ref = c.code
    CROSS JOIN LATERAL (SELECT ST_Distance(s.geom::geography, t.geom::geography) AS d) i
    WHERE i.d <= lim
) w
GROUP BY ref, pid
$$;
CREATE TRIGGER facilities_stale_walks AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON facilities
    FOR EACH STATEMENT EXECUTE FUNCTION derived_stale('facility_walks');
"""


def upgrade() -> None:
    op.create_table(
        "facility_walks",
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("pid", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("d", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("ref", "pid"),
    )
    op.create_index("ix_facility_walks_kind_d", "facility_walks", ["kind", "d"])
    op.execute(WALKS)
    op.execute("INSERT INTO derived_tables (name, stale) VALUES ('facility_walks', true)")


def downgrade() -> None:
    op.execute("DELETE FROM derived_tables WHERE name = 'facility_walks'")
    op.execute("DROP TRIGGER facilities_stale_walks ON facilities")
    op.execute("DROP FUNCTION coverage_walks(text[], geometry[], float8)")
    op.drop_table("facility_walks")
