"""Request schemas: they validate requests and generate /api/v1/openapi.json."""

from __future__ import annotations

import copy
import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FiniteFloat,
    model_validator,
)

from geo.crs import CHINA_LAT, CHINA_LON
from geo.points import PointError, to_wgs84_point
from geo.text import MESSAGE, has_control
from geo.vocabulary import MAX_ID, CaseStatus, CrsName
from webmap.openapi import listed

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


class Body(Schema):
    """A request body, JSON or a form: a property its description does not name is refused
    (400)."""

    model_config = ConfigDict(extra="forbid")


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso(value: Any) -> Any:
    """Dates and times as ISO 8601 text only: pydantic would read `0.5` or `0` as seconds
    since 1970, which no client means (and the description does not say)."""
    if isinstance(value, date | datetime):
        return value
    if not (isinstance(value, str) and _ISO.match(value)):
        raise ValueError("须为 ISO 8601 日期或时间（如 2026-12-05、2026-12-05T09:30:00+08:00）")
    return value


def _whole(value: Any) -> Any:
    """An id in a JSON list: a whole number (340.0 is one, as JSON Schema says), never true or
    false (which pydantic would read as 1 and 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("须为整数")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("须为整数")
    return int(value)


WholeId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_whole)]
IsoDate = Annotated[date, BeforeValidator(_iso)]
IsoDatetime = Annotated[datetime, BeforeValidator(_iso)]
AwareIsoDatetime = Annotated[AwareDatetime, BeforeValidator(_iso)]

# China's extent (geo/crs.py), in the description; the check is Located's, with its message
Lon = Annotated[
    FiniteFloat,
    Field(json_schema_extra={"minimum": CHINA_LON[0], "maximum": CHINA_LON[1]}),
]
Lat = Annotated[
    FiniteFloat,
    Field(json_schema_extra={"minimum": CHINA_LAT[0], "maximum": CHINA_LAT[1]}),
]


class Located(Schema):
    """A point in China's extent, in one of the four CRS (geo/points.py's rule, which also
    tells a swapped lon and lat): outside it, a 400 saying why."""

    @model_validator(mode="after")
    def _in_china(self) -> Any:
        try:
            to_wgs84_point(self.lon, self.lat, self.crs)  # type: ignore[attr-defined]
        except PointError as exc:
            raise ValueError(str(exc)) from None
        return self


class LocateQuery(Located):
    lon: Lon = Field(description="longitude in degrees, in the given crs")
    lat: Lat = Field(description="latitude in degrees, in the given crs")
    crs: Crs = Field("wgs84", description="wgs84 | gcj02 (Amap, WeChat) | bd09 (Baidu) | cgcs2000")


class Reporter(Body):
    name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9 \-]{4,19}$")


# A photo in JSON: base64 of at most 10 MB (webmap/inputs.py: such a request's own limit)
Photo = Annotated[
    str,
    Field(max_length=14_000_000, json_schema_extra={"format": "byte"}),
]


class CaseIn(Located, Body):
    lon: Lon
    lat: Lat
    crs: Crs = "wgs84"
    category: Annotated[str, listed("categories")] = Field(
        min_length=1, max_length=40, description="category code (services.json)"
    )
    description: str = Field(min_length=1, max_length=2000)
    address: str | None = Field(None, max_length=ADDRESS_MAX)
    reporter: Reporter | None = None
    photos: list[Photo] | None = Field(
        None, max_length=9, description="上报照片: JPEG, PNG or WebP, base64 (or a data: URL)"
    )


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


class TransitionIn(Body):
    to: Status
    note: str | None = Field(None, max_length=500)
