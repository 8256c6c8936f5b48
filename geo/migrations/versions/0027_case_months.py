"""Cases and their events partitioned by month (cases_YYYY_MM, case_events_YYYY_MM), with the
same columns, indexes and constraints; what must be unique across months (the id, the public
token, a caller's idempotency key) moves to case_keys. Meeting agendas refer to case_keys, so
an archived month leaves them whole. Months are made by ensure_case_months() in
geo/sql/definitions/65_case_months.sql; this migration makes the ones its rows need.

Upgrading copies every case and event once, then builds the indexes (timed in the operator
guide, docs/部署与运维手册.md).

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "migrate_0027"  # where the unpartitioned tables wait while their rows are copied
TZ = ZoneInfo("Asia/Shanghai")
CASE_INDEXES = (
    "CREATE INDEX ix_cases_geom ON cases USING gist (geom)",
    "CREATE INDEX ix_cases_grid_code ON cases (grid_code)",
    "CREATE INDEX ix_cases_created_at ON cases (created_at)",
    "CREATE INDEX ix_cases_category_created ON cases (category_code, created_at)",
)
LIKE = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE"
EVENT_COLUMNS = "id, case_id, at, actor, kind, from_status, to_status, note, data"


def _months(lo: datetime, hi: datetime) -> list[tuple[str, datetime, datetime]]:
    """(suffix, start, end) of each Shanghai month from lo's to hi's."""
    m = lo.astimezone(TZ).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = []
    while m <= hi:
        nxt = (m + timedelta(days=32)).replace(day=1)
        out.append((m.strftime("%Y_%m"), m, nxt))
        m = nxt
    return out


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(f"CREATE SCHEMA {OLD}")
    op.execute("ALTER SEQUENCE cases_id_seq OWNED BY NONE")
    op.execute("ALTER SEQUENCE case_events_id_seq OWNED BY NONE")
    op.execute("ALTER TABLE meeting_agenda DROP CONSTRAINT meeting_agenda_case_id_fkey")
    op.execute(f"ALTER TABLE cases SET SCHEMA {OLD}")  # its indexes' names go with it
    op.execute(f"ALTER TABLE case_events SET SCHEMA {OLD}")

    op.execute(
        f"CREATE TABLE cases (LIKE {OLD}.cases {LIKE}, PRIMARY KEY (id, created_at), "
        "FOREIGN KEY (category_code) REFERENCES categories (code)) "
        "PARTITION BY RANGE (created_at)"
    )
    op.execute(
        f"CREATE TABLE case_events (LIKE {OLD}.case_events {LIKE}, "
        "case_created_at timestamptz NOT NULL, PRIMARY KEY (id, case_created_at)) "
        "PARTITION BY RANGE (case_created_at)"
    )
    op.create_table(
        "case_keys",
        sa.Column("case_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("public_token", sa.String(32), nullable=False, unique=True),
        sa.Column("idempotency_scope", sa.Text()),
        sa.Column("idempotency_key", sa.Text()),
    )
    op.create_index(
        "ix_case_keys_idempotency",
        "case_keys",
        ["idempotency_scope", "idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )

    now = datetime.now(TZ)
    lo, hi = bind.execute(
        sa.text(f"SELECT min(created_at), max(created_at) FROM {OLD}.cases")
    ).one()
    for suffix, start, end in _months(
        min(lo or now, now), max(hi or now, now + timedelta(days=62))
    ):
        for table in ("cases", "case_events"):
            op.execute(
                f"CREATE TABLE {table}_{suffix} PARTITION OF {table} "
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )

    op.execute(f"INSERT INTO cases SELECT * FROM {OLD}.cases")
    op.execute(
        "INSERT INTO case_keys SELECT id, public_token, idempotency_scope, idempotency_key "
        f"FROM {OLD}.cases"
    )
    op.execute(
        f"INSERT INTO case_events ({EVENT_COLUMNS}, case_created_at) "
        f"SELECT e.{EVENT_COLUMNS.replace(', ', ', e.')}, c.created_at "
        f"FROM {OLD}.case_events e JOIN {OLD}.cases c ON c.id = e.case_id"
    )
    # indexes and the events' key to their cases after the rows: built once, not row by row
    for ddl in CASE_INDEXES:
        op.execute(ddl)
    op.execute("CREATE INDEX ix_cases_public_token ON cases (public_token)")
    op.execute("CREATE INDEX ix_case_events_case_id ON case_events (case_id)")
    op.execute(
        "ALTER TABLE case_events ADD CONSTRAINT fk_case_events_case FOREIGN KEY (case_id, "
        "case_created_at) REFERENCES cases (id, created_at) ON DELETE CASCADE"
    )
    op.execute(
        "ALTER TABLE meeting_agenda ADD CONSTRAINT meeting_agenda_case_id_fkey "
        "FOREIGN KEY (case_id) REFERENCES case_keys (case_id) ON DELETE CASCADE"
    )
    op.execute(f"DROP SCHEMA {OLD} CASCADE")
    op.execute("ALTER SEQUENCE cases_id_seq OWNED BY cases.id")
    op.execute("ALTER SEQUENCE case_events_id_seq OWNED BY case_events.id")
    op.execute("ANALYZE cases, case_events, case_keys")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS case_keys_insert() CASCADE")
    op.execute("DROP FUNCTION IF EXISTS case_keys_delete() CASCADE")
    op.execute("DROP FUNCTION IF EXISTS case_keys_fixed() CASCADE")
    op.execute("DROP FUNCTION IF EXISTS ensure_case_months(timestamptz, timestamptz)")
    op.execute("DROP FUNCTION IF EXISTS case_month(timestamptz)")
    op.execute("DELETE FROM sql_definitions WHERE name = '65_case_months.sql'")
    op.execute(f"CREATE SCHEMA {OLD}")
    op.execute("ALTER SEQUENCE cases_id_seq OWNED BY NONE")
    op.execute("ALTER SEQUENCE case_events_id_seq OWNED BY NONE")
    op.execute("ALTER TABLE meeting_agenda DROP CONSTRAINT meeting_agenda_case_id_fkey")
    op.execute(f"ALTER TABLE cases SET SCHEMA {OLD}")
    op.execute(f"ALTER TABLE case_events SET SCHEMA {OLD}")
    op.execute(
        f"CREATE TABLE cases (LIKE {OLD}.cases {LIKE}, PRIMARY KEY (id), "
        "FOREIGN KEY (category_code) REFERENCES categories (code))"
    )
    for ddl in CASE_INDEXES:
        op.execute(ddl)
    op.execute("CREATE UNIQUE INDEX ix_cases_public_token ON cases (public_token)")
    op.execute(
        "CREATE UNIQUE INDEX ix_cases_idempotency_key ON cases (idempotency_scope, "
        "idempotency_key) WHERE idempotency_key IS NOT NULL"
    )
    op.execute(
        f"CREATE TABLE case_events (LIKE {OLD}.case_events {LIKE}, PRIMARY KEY (id), "
        "FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE)"
    )
    op.execute("ALTER TABLE case_events DROP COLUMN case_created_at")
    op.execute("CREATE INDEX ix_case_events_case_id ON case_events (case_id)")
    op.execute(f"INSERT INTO cases SELECT * FROM {OLD}.cases")
    op.execute(
        f"INSERT INTO case_events ({EVENT_COLUMNS}) SELECT {EVENT_COLUMNS} FROM {OLD}.case_events"
    )
    op.execute(
        "ALTER TABLE meeting_agenda ADD CONSTRAINT meeting_agenda_case_id_fkey "
        "FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE"
    )
    op.execute(f"DROP SCHEMA {OLD} CASCADE")
    op.drop_table("case_keys")
    op.execute("ALTER SEQUENCE cases_id_seq OWNED BY cases.id")
    op.execute("ALTER SEQUENCE case_events_id_seq OWNED BY case_events.id")
