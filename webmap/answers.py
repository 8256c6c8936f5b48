"""The web's own answers (typed once; see geo/answers.py): errors, health, Open311."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict


class Error(TypedDict):
    error: str
    message: str
    details: NotRequired[list[dict[str, Any]]]
    retry_with_same_key: NotRequired[bool]


class Open311Error(TypedDict):
    code: int
    description: str


Open311Errors = list[Open311Error]


class Health(TypedDict):
    status: str
    postgis: NotRequired[str]
    counts: NotRequired[dict[str, Any]]


class Open311Service(TypedDict):
    service_code: str
    service_name: str
    type: str


class Open311Request(TypedDict):
    service_request_id: str
    status: str
    service_code: str
    lat: NotRequired[float | None]
    long: NotRequired[float | None]
    description: NotRequired[str | None]
    address: NotRequired[str | None]


class Open311Created(TypedDict):
    service_request_id: str
    service_notice: NotRequired[str]
