"""The API description served at /api/v1/openapi.json, complete in one place.

flask-openapi3 writes the parameters and request bodies from the views' schemas; this module
adds what it cannot know: each operation's success answer (the shapes in openapi_schemas.py),
the error answers every operation can give (the JSON `{error, message}` of webmap/errors.py,
Open311's list), the sign-in schemes, the batch file as a request body, and the routes that
are not flask-openapi3 views (Open311 GeoReport v2, /healthz). tests/test_openapi.py validates
the document and runs schemathesis against the app with it: an answer that drifts from its
schema fails the suite.
"""

from __future__ import annotations

import copy
from typing import Any

from webmap.openapi_schemas import GEOJSON, INT, SCHEMAS, B, J, S, arr, obj, ref


def json_answer(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {J: {"schema": schema}}}


# Each operation's success answers, by (method, path).
SUCCESS: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/cases"): {
        "201": json_answer(ref("Case"), "Created"),
        "200": json_answer(ref("Case"), "Already taken with this Idempotency-Key"),
    },
    ("post", "/api/v1/cases/batch"): {"200": json_answer(ref("BatchReport"))},
    ("get", "/api/v1/cases/{case_id}"): {"200": json_answer(ref("Case"))},
    ("post", "/api/v1/cases/{case_id}/transitions"): {"200": json_answer(ref("Case"))},
    ("get", "/api/v1/coverage"): {
        "200": {
            "description": "OK",
            "content": {
                J: {"schema": ref("Coverage")},
                "text/csv": {"schema": S},
                GEOJSON: {"schema": ref("FeatureCollection")},
            },
        }
    },
    ("get", "/api/v1/coverage/areas"): {
        "200": {"description": "OK", "content": {GEOJSON: {"schema": ref("FeatureCollection")}}}
    },
    ("post", "/api/v1/coverage/scenario"): {"200": json_answer(ref("Scenario"))},
    ("post", "/api/v1/coverage/suggest"): {"200": json_answer(ref("Suggestion"))},
    ("get", "/api/v1/layers"): {"200": json_answer(arr(ref("Layer")))},
    ("get", "/api/v1/layers/{key}/export"): {
        "200": {
            "description": "OK",
            "content": {
                mime: {"schema": {"type": "string", "format": "binary"}}
                for mime in (
                    "application/geopackage+sqlite3",
                    "application/zip",
                    "text/csv",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            },
        }
    },
    ("get", "/api/v1/layers/{key}.geojson"): {
        "200": {"description": "OK", "content": {GEOJSON: {"schema": ref("FeatureCollection")}}}
    },
    ("get", "/api/v1/locate"): {"200": json_answer(ref("Assignment"))},
    ("get", "/api/v1/search"): {"200": json_answer(ref("Search"))},
    ("get", "/api/v1/stats/cockpit"): {"200": json_answer(ref("Cockpit"))},
    ("post", "/api/v1/session"): {"200": json_answer(ref("Account"))},
    ("get", "/api/v1/session"): {"200": json_answer(ref("Account"))},
    ("delete", "/api/v1/session"): {"204": {"description": "Signed out"}},
    ("post", "/api/v1/session/password"): {"200": json_answer(obj(("ok",), ok=B))},
    ("get", "/api/v1/audit"): {"200": json_answer(arr(ref("AuditEntry")))},
    ("get", "/api/v1/compounds/{code}"): {"200": json_answer(ref("Compound"))},
    ("patch", "/api/v1/compounds/{code}"): {"200": json_answer(ref("Compound"))},
    ("get", "/api/v1/stats/residential"): {"200": json_answer(ref("Residential"))},
    ("post", "/api/v1/meetings"): {"201": json_answer(ref("Meeting"), "Created")},
    ("get", "/api/v1/meetings"): {"200": json_answer(arr(ref("MeetingSummary")))},
    ("get", "/api/v1/meetings/{meeting_id}"): {"200": json_answer(ref("Meeting"))},
    ("post", "/api/v1/meetings/{meeting_id}/agenda"): {"200": json_answer(ref("Meeting"))},
    ("post", "/api/v1/meetings/{meeting_id}/decision"): {"200": json_answer(ref("Meeting"))},
    ("post", "/api/v1/meetings/{meeting_id}/actions/{action_id}/done"): {
        "200": json_answer(ref("Meeting"))
    },
    ("get", "/api/v1/stats/meetings"): {"200": json_answer(ref("MeetingCounts"))},
    ("post", "/api/v1/visit-requests"): {"201": json_answer(ref("VisitRequest"), "Created")},
    ("get", "/api/v1/visits"): {"200": json_answer(ref("DayRoute"))},
    ("get", "/api/v1/visits/{visit_id}"): {"200": json_answer(ref("Visit"))},
    ("post", "/api/v1/visits/{visit_id}/outcome"): {"200": json_answer(ref("Visit"))},
    ("get", "/api/v1/stats/business"): {"200": json_answer(ref("BusinessStats"))},
    ("get", "/api/v1/business-communities/{code}"): {"200": json_answer(ref("BusinessCommunity"))},
    ("get", "/api/v1/open-blocks/{code}"): {"200": json_answer(ref("OpenBlock"))},
    ("get", "/api/v1/stats/blocks"): {"200": json_answer(ref("BlockStats"))},
    ("get", "/api/v1/needs"): {"200": json_answer(arr(ref("Need")))},
    ("get", "/api/v1/needs/{need_id}/matches"): {"200": json_answer(arr(ref("Offer")))},
    ("post", "/api/v1/needs/{need_id}/assign"): {"200": json_answer(ref("Need"))},
    ("post", "/api/v1/needs/{need_id}/close"): {"200": json_answer(ref("Need"))},
    ("get", "/api/v1/renewal/projects"): {"200": json_answer(arr(ref("RenewalProject")))},
    ("get", "/api/v1/renewal/projects/{project_id}"): {"200": json_answer(ref("RenewalProgress"))},
    ("get", "/api/v1/renewal/projects/{project_id}/buildings.geojson"): {
        "200": {"description": "OK", "content": {GEOJSON: {"schema": ref("FeatureCollection")}}}
    },
    ("post", "/api/v1/renewal/projects/{project_id}/signings"): {
        "200": json_answer(
            obj(("accepted", "rejected"), accepted=INT, rejected=arr({"type": "object"}))
        )
    },
    ("get", "/api/v1/renewal/projects/{project_id}/export"): {
        "200": {
            "description": "OK",
            "content": {
                "text/csv": {"schema": S},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
        }
    },
}

ERRORS = {
    "400": "Bad Request: the input, and what is wrong with it",
    "404": "Not Found",
    "405": "Method Not Allowed",
    "408": "the request was not sent in time",
    "409": "Conflict",
    "413": "the body is past its size limit",
    "415": "Unsupported Media Type",
    "422": "well-formed but not workable (an unknown kind, a distance past the reach)",
    "429": "past the rate limit (Retry-After)",
    "503": "the database is unreachable, a derived table is being rebuilt, or the request ran "
    "past its time budget (Retry-After)",
}
KEYED = {"401": "an API key is required", "403": "the key may not do this"}

KEY_SCHEME = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "session": {"type": "apiKey", "in": "cookie", "name": "gridmap_session"},
}
PUBLIC = {"/api/v1/session"}  # signing in needs no sign-in

FMT = {
    "name": "format",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["json", "xml"]},
}


def open311_answer(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {
        "description": description,
        "content": {J: {"schema": schema}, "text/xml": {"schema": S}},
    }


def open311_errors(*codes: str) -> dict[str, Any]:
    return {c: open311_answer(ref("Open311Errors"), ERRORS.get(c, c)) for c in codes}


EXTRA_PATHS: dict[str, Any] = {
    "/healthz": {
        "get": {
            "tags": ["operations"],
            "summary": "Whether the database answers: 200 with counts, or 503 saying what is down",
            "operationId": "healthz",
            "responses": {
                "200": json_answer(ref("Health")),
                "503": json_answer(ref("Error"), ERRORS["503"]),
                "429": json_answer(ref("Error"), ERRORS["429"]),
            },
        }
    },
    "/open311/v2/services.{format}": {
        "get": {
            "tags": ["open311"],
            "summary": "Open311 GeoReport v2: the service list (case categories)",
            "operationId": "open311_services",
            "parameters": [FMT],
            "responses": {
                "200": open311_answer(arr(ref("Open311Service"))),
                **open311_errors("400", "404", "429", "503"),
            },
        }
    },
    "/open311/v2/requests.{format}": {
        "get": {
            "tags": ["open311"],
            "summary": "Open311 GeoReport v2: service requests (masked)",
            "operationId": "open311_requests",
            "parameters": [
                FMT,
                {"name": "service_request_id", "in": "query", "schema": S},
                {"name": "service_code", "in": "query", "schema": S},
                {"name": "status", "in": "query", "schema": {"enum": ["open", "closed"]}},
                {"name": "start_date", "in": "query", "schema": {"type": "string"}},
                {"name": "end_date", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": open311_answer(arr(ref("Open311Request"))),
                **open311_errors("400", "404", "429", "503"),
            },
        },
        "post": {
            "tags": ["open311"],
            "summary": "Open311 GeoReport v2: report a case (form fields)",
            "operationId": "open311_post_request",
            "parameters": [FMT],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": obj(
                            ("service_code", "lat", "long"),
                            api_key=S,
                            service_code=S,
                            lat={"type": "number"},
                            long={"type": "number"},
                            address_string=S,
                            description=S,
                            first_name=S,
                            last_name=S,
                            phone=S,
                        )
                    }
                },
            },
            "responses": {
                "201": open311_answer(
                    arr(obj(("service_request_id",), service_request_id=S, service_notice=S)),
                    "Created",
                ),
                **open311_errors("400", "401", "403", "404", "413", "429", "503"),
            },
        },
    },
    "/open311/v2/requests/{service_request_id}.{format}": {
        "get": {
            "tags": ["open311"],
            "summary": "Open311 GeoReport v2: one service request (masked)",
            "operationId": "open311_request",
            "parameters": [
                {"name": "service_request_id", "in": "path", "required": True, "schema": S},
                FMT,
            ],
            "responses": {
                "200": open311_answer(arr(ref("Open311Request"))),
                **open311_errors("400", "404", "429", "503"),
            },
        }
    },
}

BATCH_BODY = {
    "required": True,
    "description": "CSV (lon, lat, category, description …; Chinese headers too) or GeoJSON, "
    "as the body or as a multipart `file`",
    "content": {
        "text/csv": {"schema": S},
        GEOJSON: {"schema": ref("FeatureCollection")},
        "multipart/form-data": {
            "schema": obj(("file",), file={"type": "string", "format": "binary"})
        },
    },
}


def describe(generated: dict[str, Any]) -> dict[str, Any]:
    """The generated document, completed."""
    doc = copy.deepcopy(generated)
    components = doc.setdefault("components", {})
    components["securitySchemes"] = KEY_SCHEME
    schemas = components.setdefault("schemas", {})
    schemas.pop("ValidationErrorModel", None)
    schemas.update(SCHEMAS)
    for path, item in doc["paths"].items():
        for method, op in item.items():
            keyed = path not in PUBLIC
            errors = {**ERRORS, **KEYED}  # signing in: 401 is a wrong password
            op["responses"] = {
                **SUCCESS[(method, path)],
                **{c: json_answer(ref("Error"), text) for c, text in errors.items()},
            }
            if keyed:
                op["security"] = [{"apiKey": []}, {"session": []}]
            if (method, path) == ("post", "/api/v1/cases/batch"):
                op["requestBody"] = BATCH_BODY
    doc["paths"].update(copy.deepcopy(EXTRA_PATHS))
    doc.setdefault("tags", []).extend(
        [{"name": "open311", "description": "Open311 GeoReport v2"}, {"name": "operations"}]
    )
    return doc
