"""Photos of cases (issue #29): each stored once by the SHA-256 of its bytes (media), as sent
(staff only: it may carry the phone's position), as a public copy with no metadata, and as a
thumbnail; case_media ties a photo to a case and a stage (report, handling, verify) with the
place its EXIF gave. Kept in the database, so every serving machine, the replica and `gridmap
backup`/`restore` have them with the cases.

Revision ID: 0032
Revises: 0031
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("mime", sa.Text(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("original", sa.LargeBinary(), nullable=False),
        sa.Column("public", sa.LargeBinary(), nullable=False),
        sa.Column("thumb", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "mime IN ('image/jpeg', 'image/png', 'image/webp')", name="ck_media_mime"
        ),
    )
    op.create_table(
        "case_media",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("media.sha256"), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("stage IN ('report', 'handling', 'verify')", name="ck_case_media_stage"),
    )
    op.create_index("ix_case_media_case", "case_media", ["case_id", "stage"])


def downgrade() -> None:
    op.drop_table("case_media")
    op.drop_table("media")
