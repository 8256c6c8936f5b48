"""Request schemas: they validate requests and generate /api/v1/openapi.json."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, model_validator

from geo.text import MESSAGE, has_control
from geo.vocabulary import MAX_ID, CaseStatus, CrsName

Crs = CrsName
Status = CaseStatus


def _no_control(value: Any, where: str) -> None:
    """The input rule (geo/text.py) on every string of a request, however deeply nested."""
    if isinstance(value, str):
        if has_control(value):
            raise ValueError(f"{where or 'value'}: {MESSAGE}")
    elif isinstance(value, dict):
        for k, v in value.items():
            _no_control(k, where)
            _no_control(v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _no_control(v, f"{where}[{i}]")


ADDRESS_MAX = 200  # characters: an address as given, and a place name searched for


class Schema(BaseModel):
    """Every request model: strings carry no control characters (the input rule).

    flask-openapi3 asks a query model for its JSON schema on every request (about 1 ms);
    the schema never changes, so it is built once per class and arguments. The request
    validators call it without arguments and only read it, so they get the shared dict; the
    OpenAPI document (built once, with arguments) gets its own copy to edit."""

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        _no_control(data, "")
        return data

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = (cls, args, tuple(sorted(kwargs.items())))
        if key not in _SCHEMAS:
            _SCHEMAS[key] = super().model_json_schema(*args, **kwargs)
        return _SCHEMAS[key] if not (args or kwargs) else copy.deepcopy(_SCHEMAS[key])


_SCHEMAS: dict[Any, dict[str, Any]] = {}


class LocateQuery(Schema):
    lon: FiniteFloat = Field(description="longitude in degrees, in the given crs")
    lat: FiniteFloat = Field(description="latitude in degrees, in the given crs")
    crs: Crs = Field("wgs84", description="wgs84 | gcj02 (Amap, WeChat) | bd09 (Baidu) | cgcs2000")


class Reporter(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9 \-]{4,19}$")


class CaseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    lon: FiniteFloat
    lat: FiniteFloat
    crs: Crs = "wgs84"
    category: str = Field(min_length=1, max_length=40, description="category code (services.json)")
    description: str = Field(min_length=1, max_length=2000)
    address: str | None = Field(None, max_length=ADDRESS_MAX)
    reporter: Reporter | None = None


class CaseHeaders(Schema):
    idempotency_key: str | None = Field(
        None,
        alias="Idempotency-Key",
        max_length=200,
        description="retries with the same key return the same case",
    )


class AuthHeaders(Schema):
    api_key: str | None = Field(None, alias="X-API-Key", max_length=200)


class CasePath(Schema):
    case_id: int = Field(ge=1, le=MAX_ID)


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    to: Status
    note: str | None = Field(None, max_length=500)
