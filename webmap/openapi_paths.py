"""The operations of the API description that flask-openapi3 cannot write (webmap/openapi.py
completes its document with them): Open311 GeoReport v2 and /healthz, which are not its views,
and the batch import's body, which a view reads raw (CSV, GeoJSON, or a multipart file)."""

from __future__ import annotations

from typing import Any

from geo.answers import FeatureCollection
from geo.crs import CHINA_LAT, CHINA_LON
from webmap.answers import (
    Error,
    Health,
    Open311Created,
    Open311Errors,
    Open311Request,
    Open311Service,
)
from webmap.openapi import (
    ERRORS,
    GEOJSON,
    VOCABULARY,
    VOCABULARY_LIST,
    J,
    S,
    Written,
    json_answer,
    shape,
)

# Open311's dates: a date, or a date and time with its offset (webmap/open311.py)
W3C_TIME = {"anyOf": [{**S, "format": "date"}, {**S, "format": "date-time"}]}

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
    return {c: open311_answer(shape(Open311Errors), ERRORS.get(c, c)) for c in codes}


# Open311's report, as form fields; a photo goes as a multipart `media` file (a `media_url`
# is refused: this server fetches nothing from elsewhere)
OPEN311_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["service_code", "lat", "long"],
    "properties": {
        "api_key": S,
        "service_code": {**S, VOCABULARY: "categories"},
        "address_string": {**S, "maxLength": 200},
        "lat": {"type": "number", "minimum": CHINA_LAT[0], "maximum": CHINA_LAT[1]},
        "long": {"type": "number", "minimum": CHINA_LON[0], "maximum": CHINA_LON[1]},
        **dict.fromkeys(("description", "first_name", "last_name"), S),
        "phone": S,
    },
    # other GeoReport v2 fields (email, device_id …) are taken and unused
    "additionalProperties": S,
}

EXTRA_PATHS: dict[str, Any] = {
    "/healthz": {
        "get": {
            "tags": ["operations"],
            "summary": "Whether the database answers: 200 with counts, or 503 saying what is down",
            "operationId": "healthz",
            "responses": {
                "200": json_answer(shape(Health)),
                "503": json_answer(shape(Error), ERRORS["503"]),
                "429": json_answer(shape(Error), ERRORS["429"]),
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
                "200": open311_answer(shape(list[Open311Service])),
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
                {
                    "name": "service_code",
                    "in": "query",
                    "description": "one or more, comma-delimited",
                    "schema": {**S, VOCABULARY_LIST: "categories"},
                },
                {"name": "status", "in": "query", "schema": {"enum": ["open", "closed"]}},
                {"name": "start_date", "in": "query", "schema": W3C_TIME},
                {"name": "end_date", "in": "query", "schema": W3C_TIME},
            ],
            "responses": {
                "200": open311_answer(shape(list[Open311Request])),
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
                    "application/x-www-form-urlencoded": {"schema": OPEN311_FORM},
                    "multipart/form-data": {
                        "schema": {
                            **OPEN311_FORM,
                            "properties": {
                                **OPEN311_FORM["properties"],
                                "media": {"type": "string", "format": "binary"},
                            },
                        }
                    },
                },
            },
            "responses": {
                "201": open311_answer(shape(list[Open311Created]), "Created"),
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
                "200": open311_answer(shape(list[Open311Request])),
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
        "text/csv": {"schema": {**S, "minLength": 1}},
        GEOJSON: {"schema": shape(FeatureCollection)},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
                "additionalProperties": False,
            }
        },
    },
}


WRITTEN = Written(paths=EXTRA_PATHS, bodies={("post", "/api/v1/cases/batch"): BATCH_BODY})
