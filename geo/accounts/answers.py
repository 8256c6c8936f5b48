"""The accounts domain's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict


class AccountAreasItem(TypedDict):
    kind: str
    code: str


class Account(TypedDict):
    username: str
    display_name: NotRequired[str | None]
    role: str
    role_label: NotRequired[str]
    areas: list[AccountAreasItem]
    worker_id: NotRequired[str | None]
    must_change_password: NotRequired[bool]
    csrf_token: NotRequired[str]


class AuditEntry(TypedDict):
    id: int
    at: str
    username: NotRequired[str | None]
    action: str
    target: NotRequired[str | None]
    ok: bool
    address: NotRequired[str | None]
    detail: NotRequired[dict[str, Any] | None]


class PasswordChanged(TypedDict):
    ok: bool
