"""accounts: people with a role and areas, their sign-in sessions, the audit log; API keys
bound to an account; cases get an unguessable public token (Open311 ids) and idempotency keys
scoped to their caller

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = (
    "admin",
    "command",
    "street",
    "community",
    "grid_worker",
    "compound_commissioner",
    "building_commissioner",
    "planner",
)
AREA_KINDS = (
    "district",
    "street",
    "community",
    "grid",
    "compound",
    "business_community",
    "building",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.Text()),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.Text()),
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default="true"),
        sa.Column("worker_id", sa.String(32), sa.ForeignKey("workers.id", ondelete="SET NULL")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(_in("role", ROLES), name="ck_accounts_role"),
    )
    op.create_table(
        "account_areas",
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.Text(), primary_key=True),
        sa.CheckConstraint(_in("kind", AREA_KINDS), name="ck_account_areas_kind"),
    )
    op.create_table(
        "auth_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.Text()),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("account_id", sa.Integer()),  # no key: the log outlives accounts
        sa.Column("username", sa.Text()),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.Text()),
        sa.Column("ok", sa.Boolean(), nullable=False, server_default="true"),
        sa.Column("address", sa.Text()),
        sa.Column("detail", postgresql.JSONB()),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_signin", "audit_log", ["action", "username", "at"])
    # Append-only: rows are never changed; only the retention purge deletes old ones.
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )
    op.add_column(
        "api_keys",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="CASCADE")),
    )
    op.add_column(
        "cases",
        sa.Column(
            "public_token",
            sa.String(32),
            nullable=False,
            server_default=sa.text("replace(gen_random_uuid()::text, '-', '')"),
        ),
    )
    op.create_index("ix_cases_public_token", "cases", ["public_token"], unique=True)
    op.add_column("cases", sa.Column("idempotency_scope", sa.Text()))
    op.drop_index("ix_cases_idempotency_key", table_name="cases")
    op.create_index(
        "ix_cases_idempotency_key",
        "cases",
        ["idempotency_scope", "idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_idempotency_key", table_name="cases")
    op.create_index(
        "ix_cases_idempotency_key",
        "cases",
        ["idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.drop_column("cases", "idempotency_scope")
    op.drop_index("ix_cases_public_token", table_name="cases")
    op.drop_column("cases", "public_token")
    op.drop_column("api_keys", "account_id")
    op.execute("DROP TRIGGER audit_log_no_update ON audit_log")
    op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_table("audit_log")
    op.drop_table("auth_sessions")
    op.drop_table("account_areas")
    op.drop_table("accounts")
