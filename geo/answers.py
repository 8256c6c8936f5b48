"""The answers of the API, typed once: the core's here (a point's assignment, a layer's
features, the layers, search), each domain's in geo/<domain>/answers.py, the web's own in
webmap/answers.py. The domains' functions are typed with them, so mypy holds each dict they
build to its shape, and webmap/openapi.py generates the API description from them (pydantic).

TypedDict comes from typing_extensions: pydantic reads it on Python 3.11 only in that form."""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from typing_extensions import TypedDict


class CodeName(TypedDict):
    code: str
    name: str


class AssignmentPoint(TypedDict):
    lon: float
    lat: float


class AssignmentZone(TypedDict):
    code: str
    name: str
    kind: str


class AssignmentPartyOrg(TypedDict):
    code: str
    name: str
    kind: str


class AssignmentWorker(TypedDict):
    id: str
    name: str


class Assignment(TypedDict):
    point: AssignmentPoint
    street: CodeName | None
    community: CodeName | None
    grid: CodeName | None
    zone: AssignmentZone | None
    party_org: AssignmentPartyOrg | None
    worker: AssignmentWorker | None
    residential_building: NotRequired[CodeName | None]
    stairwell_branch: NotRequired[CodeName | None]
    rule: str
    outside: NotRequired[bool]
    distance_m: NotRequired[float | None]


class FeatureCollectionFeaturesItem(TypedDict):
    type: Literal["Feature"]
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class FeatureCollection(TypedDict):
    type: Literal["FeatureCollection"]
    features: list[FeatureCollectionFeaturesItem]


class Layer(TypedDict):
    key: str
    title: str
    url: str
    geometry: str


class Search(TypedDict):
    kind: str
    results: list[dict[str, Any]]
    message: NotRequired[str]
