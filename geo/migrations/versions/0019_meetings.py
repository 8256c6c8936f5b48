"""Deliberation meetings (红茶议事会, 小区说事亭, 三和楼事会 …) tied to a place, with their
participants by side, topic class, decisions and outcome; follow-up actions with an owner, a
due date and a status; cases put on a meeting's agenda (议题)

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# frozen here as created (geo/vocabulary.py holds the words; a test holds the two equal)
KINDS = ("红茶议事会", "小区说事亭", "三和楼事会", "专题议事会", "其他")
PLACES = ("compound", "residential_building", "open_block", "business_community", "building")
CLASSES = ("设施维修", "垃圾分类", "消防安全", "环境整治", "街区发展", "物业服务", "其他")
STATUSES = ("scheduled", "decided", "closed")
OUTCOMES = ("agreed", "partly", "deferred")


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("place_kind", sa.Text(), nullable=False),
        sa.Column("place_code", sa.Text(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("topic_class", sa.Text(), nullable=False),
        sa.Column("participants", JSONB(), server_default="{}", nullable=False),
        sa.Column("status", sa.Text(), server_default="scheduled", nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("decisions", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_in("kind", KINDS), name="ck_meetings_kind"),
        sa.CheckConstraint(_in("place_kind", PLACES), name="ck_meetings_place_kind"),
        sa.CheckConstraint(_in("topic_class", CLASSES), name="ck_meetings_topic_class"),
        sa.CheckConstraint(_in("status", STATUSES), name="ck_meetings_status"),
        sa.CheckConstraint(
            f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="ck_meetings_outcome"
        ),
    )
    op.create_index("ix_meetings_place", "meetings", ["place_kind", "place_code"])
    op.create_index("ix_meetings_held_on", "meetings", ["held_on"])
    op.create_table(
        "meeting_actions",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.BigInteger(),
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'done')", name="ck_meeting_actions_status"),
    )
    op.create_index("ix_meeting_actions_meeting_id", "meeting_actions", ["meeting_id"])
    op.create_table(
        "meeting_agenda",
        sa.Column(
            "meeting_id",
            sa.BigInteger(),
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "case_id",
            sa.BigInteger(),
            sa.ForeignKey("cases.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column(
            "added_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index("ix_meeting_agenda_case_id", "meeting_agenda", ["case_id"])


def downgrade() -> None:
    op.drop_table("meeting_agenda")
    op.drop_table("meeting_actions")
    op.drop_table("meetings")
