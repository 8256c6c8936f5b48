"""A step's guards (the worker's phone, issue #30): the case is still the version the step was
made against (If-Match: else 412, nothing changed), and a step sent again under the
Idempotency-Key it was taken with is not taken twice (StepTaken: the case as it stands). The
webmap's step routes call them before a step and mark the key after it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import NotFound, Overtaken
from geo.sql.loader import query
from geo.vocabulary import STATUS_LABELS


def _q(name: str) -> Any:
    return text(query("cases/guards", name))


def check_version(session: Session, case_id: int, expected: str | None) -> None:
    """A step made against `expected` (a case's `version`, as If-Match carries it, quoted or
    not; none: no check) goes ahead only if no step came since; the row stays locked."""
    if not expected:
        return
    row = session.execute(_q("version"), {"id": case_id}).one_or_none()
    if row is None:
        raise NotFound(f"没有编号为 {case_id} 的案件")
    wanted = {v.strip().removeprefix("W/").strip('"') for v in expected.split(",")}
    if "*" not in wanted and f"e{row.version}" not in wanted:
        raise Overtaken(
            f"案件 {case_id} 已被他人处理（现为「{STATUS_LABELS[row.status]}」），"
            "此操作未执行，请刷新后重新操作"
        )


class StepTaken(Exception):  # noqa: N818 - a replay, not a failure
    """The caller's step under this Idempotency-Key was taken already (a phone's retry after
    an answer it never got): the case is answered as it stands, nothing taken twice."""

    def __init__(self, case_id: int) -> None:
        super().__init__(case_id)
        self.case_id = case_id


def check_step_key(session: Session, case_id: int, actor: str, key: str | None) -> None:
    """Raise StepTaken if this caller took a step on the case under `key` already."""
    if (
        key
        and session.execute(_q("step_taken"), {"id": case_id, "actor": actor, "key": key}).first()
    ):
        raise StepTaken(case_id)


def mark_step_key(session: Session, case_id: int, actor: str, key: str | None) -> None:
    """Keep `key` on the caller's step just taken, for check_step_key."""
    if key:
        session.execute(_q("mark_step"), {"id": case_id, "actor": actor, "key": key})
