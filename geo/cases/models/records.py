"""Cases, their categories, their trail, their tallies and the batch imports that created some."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import Base, _gist
from geo.vocabulary import SRID


class Category(Base):
    """Case category: GB/T 30428 event classes plus the district's governance cases; a
    catalogue (`gridmap categories FILE`): its kind, 立案 conditions, default unit, photo rule."""

    __tablename__ = "categories"
    __table_args__ = (
        CheckConstraint("kind IN ('部件', '事件')", name="ck_categories_kind"),
        CheckConstraint(
            "dispatch_hours > 0 AND dispatch_hours <= 720", name="ck_categories_dispatch_hours"
        ),
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    # its 大类 (two levels: 大类/小类): a GB/T 30428.2 major class's code (01 …, read with its
    # kind: 部件 01 and 事件 01 differ) or the district's own (JC 基层治理)
    group_code: Mapped[str] = mapped_column(String(8))
    group_name: Mapped[str] = mapped_column(Text)
    national_code: Mapped[str | None] = mapped_column(String(8))  # GB/T 30428.2 小类, if one
    sla_hours: Mapped[int] = mapped_column(Integer)  # 处置时限
    # 派遣时限, on the same clock as the handling limit
    dispatch_hours: Mapped[float] = mapped_column(Float, default=1.0, server_default="1")
    # its time limit counts working hours on the district's calendar (calendar_days,
    # work_periods), or calendar hours
    working_hours: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    kind: Mapped[str] = mapped_column(Text, default="事件", server_default="事件")
    conditions: Mapped[str | None] = mapped_column(Text)  # 立案条件
    # the mark of the unit that takes it by default (geo/cases/words.py UNIT_MARKS), found for
    # the case's place; none: its grid
    default_unit: Mapped[str | None] = mapped_column(Text)
    photo_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


# Cases and their events are partitioned by the month a case was reported in (Asia/Shanghai),
# created ahead and on demand by ensure_case_months() (geo/cases/sql/definitions/65_case_months.sql,
# geo/cases/partitions.py). A partitioned table's unique keys must hold its partition key, so what
# must be unique across every month (the id, the public token, a caller's idempotency key)
# is held by case_keys, written by a trigger on cases.
CASE_ID_DEFAULT = text("nextval('cases_id_seq'::regclass)")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        _gist("cases"),
        CheckConstraint(
            "status IN ('reported', 'assigned', 'accepted', 'resolved', 'closed', 'returned', "
            "'duplicate', 'registered', 'refused', 'parked')",
            name="ck_cases_status",
        ),
        CheckConstraint(
            "rule IS NULL OR rule IN ('covers', 'boundary', 'snapped')", name="ck_cases_rule"
        ),
        Index("ix_cases_created_at", "created_at"),
        Index("ix_cases_category_created", "category_code", "created_at"),
        Index("ix_cases_public_token", "public_token"),  # unique in case_keys
        Index(  # the desk's queues of cases waiting at it (geo/cases/sql/desk.sql)
            "ix_cases_desk_waiting",
            "created_at",
            postgresql_where=text(
                "status IN ('reported', 'registered', 'returned', 'resolved', 'parked')"
            ),
        ),
        Index(  # the open supervised cases (case_is_open inlined)
            "ix_cases_desk_supervised",
            "created_at",
            postgresql_where=text(
                "supervision_level IS NOT NULL "
                "AND status NOT IN ('resolved', 'closed', 'duplicate', 'refused')"
            ),
        ),
        Index(  # the open cases, for the overdue counts (case_is_open inlined)
            "ix_cases_open_due",
            "due_at",
            postgresql_where=text("status NOT IN ('resolved', 'closed', 'duplicate')"),
        ),
        Index(  # the trends' closed cases by their closing time (geo/evaluation/sql/series.sql)
            "ix_cases_closed_at",
            "closed_at",
            postgresql_where=text("status = 'closed'"),
        ),
        Index(  # the trends' cases closed after their due time, by it
            "ix_cases_late_due",
            "due_at",
            postgresql_where=text("status = 'closed' AND closed_at > due_at"),
        ),
        Index(  # the cases layer's open cases (layers/sql/cases.sql)
            "ix_cases_open_geom",
            "geom",
            postgresql_using="gist",
            postgresql_where=text("status NOT IN ('resolved', 'closed', 'duplicate')"),
        ),
        Index("ix_cases_updated_at", "updated_at"),  # … and the ones closed in the last 24 h
        Index("ix_cases_unit_code", "unit_code"),
        {"postgresql_partition_by": "RANGE (created_at)"},
    )
    id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, server_default=CASE_ID_DEFAULT
    )
    received_lon: Mapped[float] = mapped_column(Float)
    received_lat: Mapped[float] = mapped_column(Float)
    received_crs: Mapped[str] = mapped_column(String(10), default="wgs84")
    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=False))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    reporter_name: Mapped[str | None] = mapped_column(Text)
    reporter_phone: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="api", server_default="api")
    status: Mapped[str] = mapped_column(Text, default="reported", server_default="reported")
    street_code: Mapped[str | None] = mapped_column(String(9))
    community_code: Mapped[str | None] = mapped_column(String(12))
    grid_code: Mapped[str | None] = mapped_column(String(15), index=True)
    zone_kind: Mapped[str | None] = mapped_column(Text)
    zone_code: Mapped[str | None] = mapped_column(Text)
    party_org_code: Mapped[str | None] = mapped_column(Text)
    residential_building_code: Mapped[str | None] = mapped_column(Text)
    stairwell_branch_code: Mapped[str | None] = mapped_column(Text)
    worker_id: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[str | None] = mapped_column(Text)
    outside: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    distance_m: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    idempotency_key: Mapped[str | None] = mapped_column(Text)
    idempotency_scope: Mapped[str | None] = mapped_column(Text)
    # What the public sees as the case's id (Open311): unguessable, unlike the sequential id.
    public_token: Mapped[str] = mapped_column(
        String(32), server_default=text("replace(gen_random_uuid()::text, '-', '')")
    )
    request_hash: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 80 % of its time limit, on the same clock as due_at: the warning turns yellow
    warn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the dispatch limit (派遣时限) from its report, and its last dispatch (to its grid at
    # intake, or to a unit by the desk): dispatched on time when dispatched_at <= dispatch_due_at
    dispatch_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), primary_key=True, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A batch-imported case: its part of the file (case_imports), the record of its creation.
    # No foreign key, like the codes above (see migration 0011).
    import_id: Mapped[int | None] = mapped_column(BigInteger)
    # The workflow's state (geo/cases/workflow.py): the unit it is dispatched to (units.code,
    # no foreign key: a month may be archived with its units gone), rework after a failed
    # verification, 督办 (level 1-3 and its own deadline), 挂账 (why, and when to look again).
    unit_code: Mapped[str | None] = mapped_column(Text)
    rework_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    supervision_level: Mapped[int | None] = mapped_column(SmallInteger)
    supervision_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    parked_reason: Mapped[str | None] = mapped_column(Text)
    parked_review_on: Mapped[date | None] = mapped_column(Date)
    extension_hours: Mapped[float | None] = mapped_column(Float)  # 延期 asked, not yet answered
    # when the clock stopped: parked (挂账) or an extension (延期) waiting for its answer
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseKey(Base):
    """What is unique across every month of cases: written for each new case by a trigger on
    cases, and kept when a month is archived (its public tokens are never handed out again)."""

    __tablename__ = "case_keys"
    __table_args__ = (
        Index(  # a key is its caller's: scope is the account, key or anonymous client
            "ix_case_keys_idempotency",
            "idempotency_scope",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
    )
    case_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    public_token: Mapped[str] = mapped_column(String(32), unique=True)
    idempotency_scope: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(Text)


class CaseTally(Base):
    """The cockpit's running counts of cases by street, grid, zone and category: rows of
    changes added by triggers on cases and folded now and then; the counts are their sums
    (geo/cases/sql/definitions/66_case_tallies.sql)."""

    __tablename__ = "case_tallies"
    __table_args__ = (
        Index("ix_case_tallies_key", "street_code", "grid_code", "zone_code", "category_code"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    street_code: Mapped[str] = mapped_column(String(9))  # '' for none: keys match by equality
    grid_code: Mapped[str] = mapped_column(String(15))
    zone_code: Mapped[str] = mapped_column(Text)
    category_code: Mapped[str] = mapped_column(String(40))
    total: Mapped[int] = mapped_column(BigInteger)
    open: Mapped[int] = mapped_column(BigInteger)
    done: Mapped[int] = mapped_column(BigInteger)
    done_in_time: Mapped[int] = mapped_column(BigInteger)


class CaseEvent(Base):
    """Append-only trail: every transition and reassignment of a case, and the creation of a
    case reported on its own (a batch-imported case's creation is its case_imports record).
    Partitioned like cases, by its case's month, so a month's cases and events go together."""

    __tablename__ = "case_events"
    __table_args__ = (
        ForeignKeyConstraint(
            ["case_id", "case_created_at"],
            ["cases.id", "cases.created_at"],
            name="fk_case_events_case",
            ondelete="CASCADE",
        ),
        {"postgresql_partition_by": "RANGE (case_created_at)"},
    )
    id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=False,
        server_default=text("nextval('case_events_id_seq'::regclass)"),
    )
    case_id: Mapped[int] = mapped_column(BigInteger, index=True)
    case_created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    from_status: Mapped[str | None] = mapped_column(Text)
    to_status: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class CaseImport(Base):
    """One committed part of a batch file: its rows first_row..last_row (1-based, header not
    counted) of the file whose SHA-256 is digest, for the areas of scope (the importer's LIKE
    patterns joined by commas; `*`: anywhere). A file is imported in parts, each in its own
    transaction; re-submitting the file imports only the parts not recorded here for the
    caller's areas, and never a row an earlier part's areas covered."""

    __tablename__ = "case_imports"
    __table_args__ = (
        UniqueConstraint("digest", "first_row", "scope", name="uq_case_imports_part"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64))
    first_row: Mapped[int] = mapped_column(Integer)
    last_row: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    source: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text, default="*", server_default="*")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
