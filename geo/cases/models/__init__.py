"""The cases domain's tables (gathered for Alembic by geo/migrations/metadata.py): the cases and
their trail (records), the command centre's units, notices and calendar (desk), photos
(media)."""

from geo.cases.models.desk import (
    CalendarDay,
    Notice,
    NoticeDelivery,
    Unit,
    Webhook,
    WorkClockDay,
    WorkClockSecond,
    WorkPeriod,
)
from geo.cases.models.media import CaseMedia, Media
from geo.cases.models.records import (
    CASE_ID_DEFAULT,
    Case,
    CaseEvent,
    CaseImport,
    CaseKey,
    CaseTally,
    Category,
)

__all__ = [
    "CASE_ID_DEFAULT",
    "CalendarDay",
    "Case",
    "CaseEvent",
    "CaseImport",
    "CaseKey",
    "CaseMedia",
    "CaseTally",
    "Category",
    "Media",
    "Notice",
    "NoticeDelivery",
    "Unit",
    "Webhook",
    "WorkClockDay",
    "WorkClockSecond",
    "WorkPeriod",
]
