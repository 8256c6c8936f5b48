"""The API description served at /api/v1/openapi.json, complete in one place.

flask-openapi3 writes the parameters and request bodies from the views' request schemas. Each
view declares what it answers with `@answers(...)` beside its route: the shapes are the
domains' TypedDicts (geo/<domain>/answers.py, geo/answers.py, webmap/answers.py), turned into
JSON Schema by pydantic here, so no answer's shape is written twice. This module adds the error
answers every operation can give (the JSON `{error, message}` of webmap/errors.py), the sign-in
schemes, and what webmap/openapi_paths.py writes by hand (Open311 GeoReport v2, /healthz, the
batch body).
tests/web/test_openapi.py validates the document and runs schemathesis against the app with
it: an answer that drifts from its shape fails the suite.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from flask import Flask
from pydantic import TypeAdapter, WithJsonSchema
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.reference import categories, facility_kinds
from geo.text import CONTROL
from layers.frames import version_sql
from webmap.answers import (
    Error,
)

J = "application/json"
GEOJSON = "application/geo+json"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S = {"type": "string"}
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Answer:
    """One status's answer: its shape in JSON (a TypedDict, list[…], dict …; None: no body),
    and the other media types it may come as, each with its shape (str for text, bytes for a
    file)."""

    shape: Any = None
    description: str = "OK"
    media: Mapping[str, Any] = field(default_factory=dict)


def answers(shape: Any = None, description: str = "OK", **more: Answer) -> Callable[[F], F]:
    """Declare a view's answers: `@answers(Case)` is a 200 with a Case in JSON; other
    statuses by keyword (`created=Answer(Case, "Created")` is 201, see STATUS)."""
    declared = {"200": Answer(shape, description)} if shape is not None else {}
    declared.update({STATUS[k]: a for k, a in more.items()})

    def mark(view: F) -> F:
        view.__dict__["answers"] = declared
        return view

    return mark


STATUS = {"ok": "200", "created": "201", "signed_out": "204"}


def _json_media(a: Answer) -> dict[str, Any]:
    media = dict(a.media)
    if a.shape is not None:
        media = {J: a.shape, **media}
    return media


SERIALIZATION: Literal["serialization"] = "serialization"


class Shapes:
    """Collects shapes into one set of components (pydantic's JSON Schema, $refs into
    #/components/schemas)."""

    def __init__(self) -> None:
        self.adapters: list[tuple[int, Any]] = []

    def ref(self, shape: Any) -> int:
        self.adapters.append((len(self.adapters), shape))
        return len(self.adapters) - 1

    def resolve(self) -> tuple[dict[int, dict[str, Any]], dict[str, Any]]:
        keyed = [(i, SERIALIZATION, TypeAdapter(shape)) for i, shape in self.adapters]
        schemas, defs = TypeAdapter.json_schemas(keyed, ref_template="#/components/schemas/{model}")
        return {i: schemas[(i, SERIALIZATION)] for i, _ in self.adapters}, defs.get("$defs", {})


# The input rule (geo/text.py) as the description states it: no control character but tab,
# line feed and carriage return, in any string a request carries, property names included.
NO_CONTROL = f"^[^{CONTROL[1:-1]}]*$"
# A request string checked against the district's data: its values listed from the database
# when the document is made (`describe(..., vocabularies=…)`).
VOCABULARY = "x-gridmap-vocabulary"
VOCABULARY_LIST = "x-gridmap-vocabulary-list"  # one or more of its values, comma-delimited


def listed(vocabulary: str) -> WithJsonSchema:
    """A request field whose values the description lists from the database (its schema as
    flask-openapi3 keeps it: an enum holding the vocabulary's name, filled in by describe)."""
    return WithJsonSchema({"type": "string", "enum": [f"{VOCABULARY}:{vocabulary}"]})


RULES = (
    "The server checks what this description states, and only that answers 400: types, "
    "ranges (points within China's extent, in the crs given), patterns (codes; no control "
    "character but tab, line feed and carriage return in any text), the listed values "
    "(categories and facility kinds as the district's database holds them when this document "
    "was made), and no property a body does not list. A request that fits the description but "
    "names what the district's data does not hold or allow (an unknown place, account or "
    "offer, a date already past, a file with no rows) is a 422 (Open311: 400, as GeoReport v2 "
    "has no 422)."
)

ERRORS = {
    "400": "Bad Request: the request breaks this description; the message says where",
    "404": "Not Found",
    "405": "Method Not Allowed",
    "408": "the request was not sent in time",
    "409": "Conflict",
    "413": "the body is past its size limit",
    "415": "Unsupported Media Type",
    "422": "fits this description but not the district's data (an unknown place, account or "
    "offer, a date already past, a file with no rows, a distance past the stored reach)",
    "429": "past the rate limit (Retry-After)",
    "503": "the database is unreachable, a derived table is being rebuilt, or the request ran "
    "past its time budget (Retry-After)",
}
# gunicorn's own answer to a request line past 4,094 bytes: the app never sees it
BEFORE_THE_APP = {
    "description": "the request line is past the server's limit (gunicorn's 4,094 bytes)",
    "content": {"text/html": {"schema": S}},
}
KEYED = {"401": "an API key is required", "403": "the key may not do this"}

KEY_SCHEME = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "session": {"type": "apiKey", "in": "cookie", "name": "gridmap_session"},
}
PUBLIC = {"/api/v1/session"}  # signing in needs no sign-in


def shape(of: Any) -> dict[str, Any]:
    """A shape to be turned into JSON Schema when the document is made (describe)."""
    return {SHAPE: of}


SHAPE = "x-gridmap-shape"


def json_answer(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {J: {"schema": schema}}}


@dataclass(frozen=True)
class Written:
    """What flask-openapi3 cannot write: whole operations by path, and request bodies by
    (method, path)."""

    paths: dict[str, Any]
    bodies: dict[tuple[str, str], Any]


def _declared(app: Flask) -> dict[tuple[str, str], dict[str, Answer]]:
    """Each (method, OpenAPI path) of a flask-openapi3 view, with the answers it declares."""
    out = {}
    for rule in app.url_map.iter_rules():
        view = inspect.unwrap(app.view_functions[rule.endpoint])
        declared = view.__dict__.get("answers")
        if declared is None:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods or ():
            out[(method.lower(), path)] = declared
    return out


def current(app: Flask, session: Session, written: Written) -> dict[str, Any]:
    """The description, made again once the vocabularies it lists (the categories, the
    facility kinds) have changed in the database."""
    version = session.execute(text(version_sql(("categories", "facility_kinds")))).scalar_one()
    made = app.extensions.get("gridmap.openapi")
    if made is None or made[0] != version:
        words = {
            "categories": [r.code for r in categories(session)],
            "facility_kinds": [code for code, _ in facility_kinds(session)],
        }
        made = (version, describe(app, app.api_doc, words, written))  # type: ignore[attr-defined]
        app.extensions["gridmap.openapi"] = made
    document: dict[str, Any] = made[1]
    return document


def describe(
    app: Flask,
    generated: dict[str, Any],
    vocabularies: Mapping[str, list[str]],
    written: Written,
) -> dict[str, Any]:
    """The document flask-openapi3 generated, completed with every view's declared answers,
    the operations written by hand (webmap/openapi_paths.py: the routes it does not know, the
    bodies it cannot write), and the rules the server checks on requests (RULES), the
    vocabularies the district's database holds listed."""
    doc = copy.deepcopy(generated)
    doc.setdefault("info", {})["description"] = RULES
    components = doc.setdefault("components", {})
    components["securitySchemes"] = KEY_SCHEME
    schemas = components.setdefault("schemas", {})
    schemas.pop("ValidationErrorModel", None)
    declared = _declared(app)
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if (method, path) not in declared:
                raise LookupError(f"{method.upper()} {path} declares no answers (@answers)")
            errors = {**ERRORS, **KEYED}  # signing in: 401 is a wrong password
            op["responses"] = {
                **{
                    status: {
                        "description": a.description,
                        **(
                            {"content": {m: {"schema": shape(x)} for m, x in media.items()}}
                            if (media := _json_media(a))
                            else {}
                        ),
                    }
                    for status, a in declared[(method, path)].items()
                },
                **{c: json_answer(shape(Error), text) for c, text in errors.items()},
                "414": BEFORE_THE_APP,
            }
            if path not in PUBLIC:
                op["security"] = [{"apiKey": []}, {"session": []}]
            if (method, path) in written.bodies:
                op["requestBody"] = copy.deepcopy(written.bodies[(method, path)])
    doc["paths"].update(copy.deepcopy(written.paths))
    for item in doc["paths"].values():  # what requests carry: parameters and bodies
        for op in item.values():
            _requests_rule(op.get("parameters", []), vocabularies)
            _requests_rule(op.get("requestBody", {}), vocabularies)
    _requests_rule(schemas, vocabularies)  # so far the request schemas only
    doc.setdefault("tags", []).extend(
        [{"name": "open311", "description": "Open311 GeoReport v2"}, {"name": "operations"}]
    )
    shapes = Shapes()
    _collect(doc, shapes)
    resolved, defs = shapes.resolve()
    clash = set(defs) & set(schemas)
    if clash:
        raise ValueError(f"answer shapes share names with request schemas: {sorted(clash)}")
    schemas.update(defs)
    placed: dict[str, Any] = _place(doc, resolved)
    return placed


def _requests_rule(node: Any, vocabularies: Mapping[str, list[str]]) -> None:
    """State the input rule on every string and property name of a request's schemas, and
    list each vocabulary's values."""
    if isinstance(node, dict):
        if VOCABULARY in node:
            node["enum"] = list(vocabularies[node.pop(VOCABULARY)])
        if VOCABULARY_LIST in node:
            one = "|".join(map(re.escape, vocabularies[node.pop(VOCABULARY_LIST)]))
            node["pattern"] = f"^({one})(,({one}))*$"
        enum = node.get("enum")
        if isinstance(enum, list) and len(enum) == 1 and str(enum[0]).startswith(VOCABULARY):
            node["enum"] = list(vocabularies[str(enum[0]).split(":", 1)[1]])
        if node.get("type") == "string" and not {"enum", "const", "format", "pattern"} & set(node):
            node["pattern"] = NO_CONTROL
        if node.get("type") == "object" and node.get("additionalProperties") is not False:
            node.setdefault("propertyNames", {"pattern": NO_CONTROL})
        for k, v in node.items():
            if k != SHAPE:
                _requests_rule(v, vocabularies)
    elif isinstance(node, list):
        for v in node:
            _requests_rule(v, vocabularies)


def _collect(node: Any, shapes: Shapes) -> None:
    if isinstance(node, dict):
        if SHAPE in node:
            node[SHAPE] = shapes.ref(node[SHAPE])
            return
        for v in node.values():
            _collect(v, shapes)
    elif isinstance(node, list):
        for v in node:
            _collect(v, shapes)


def _place(node: Any, resolved: dict[int, dict[str, Any]]) -> Any:
    if isinstance(node, dict):
        if SHAPE in node:
            return resolved[node[SHAPE]]
        return {k: _place(v, resolved) for k, v in node.items()}
    if isinstance(node, list):
        return [_place(v, resolved) for v in node]
    return node
