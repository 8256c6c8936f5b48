"""The API description: a valid OpenAPI document that the app's answers keep to.

schemathesis generates requests from the document, data that fits it and data that does not,
sends them to the app (on a database of its own, as they write), and checks each answer: no
5xx, a documented status and content type, a body that fits its schema, and bad data refused
with a 4xx."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from geo.coverage.derived import refresh_all
from tests.conftest import scratch_database
from tests.fixtures import SETTINGS

# The werkzeug client under schemathesis does not undo gzip (webmap/compress.py).
HEADERS = {"X-API-Key": "dispatch-key", "Accept-Encoding": "identity"}
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def fuzz_app(cluster):  # type: ignore[no-untyped-def]
    from webmap import create_app

    url = scratch_database(cluster, "gridmap_fuzz")
    engine = create_engine(url)
    with Session(engine) as s:  # fresh derived tables: a stale one would be a 503
        refresh_all(s, SETTINGS.coverage_reach_m)
        s.commit()
    engine.dispose()
    return create_app({"DATABASE_URL": url, "SETTINGS": SETTINGS})


@pytest.fixture(scope="module")
def api_schema(fuzz_app):  # type: ignore[no-untyped-def]
    # A body past its size limit is refused with 413, which schemathesis does not count as
    # a refusal of bad data unless told.
    config = SchemathesisConfig.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}}}
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app, config=config)


def test_the_description_is_valid_and_complete(fuzz_app) -> None:  # type: ignore[no-untyped-def]
    doc = fuzz_app.test_client().get("/api/v1/openapi.json").get_json()
    validate(doc)
    assert doc["components"]["securitySchemes"]["apiKey"]["name"] == "X-API-Key"
    for path in ("/healthz", "/open311/v2/requests.{format}", "/api/v1/cases/batch"):
        assert path in doc["paths"]
    assert "text/csv" in doc["paths"]["/api/v1/cases/batch"]["post"]["requestBody"]["content"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            answers = set(op["responses"])
            assert answers & {"200", "201", "204"}, (method, path)
            assert "503" in answers, (method, path)
            if op.get("parameters") or op.get("requestBody"):
                assert "400" in answers, (method, path)


def test_the_app_keeps_to_its_description(api_schema) -> None:  # type: ignore[no-untyped-def]
    """Every operation, 25 requests that fit the description and 25 that do not (the same
    ones every run). Driven here rather than by schemathesis's pytest plugin, which does not
    run under pytest 9."""
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 17
    for operation in operations:
        op = operation.definition.raw
        takes_input = bool(op.get("parameters") or op.get("requestBody"))
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)[: 1 + takes_input]:

            @given(operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=25,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case) -> None:  # type: ignore[no-untyped-def]
                statuses[case.call_and_validate(headers=HEADERS, checks=CHECKS).status_code] += 1

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # every operation's is reported
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:1500]}")
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)
    print(f"schemathesis: {sum(statuses.values())} requests, by status {dict(statuses)}")
    assert sum(statuses.values()) > 500
    assert not [s for s in statuses if s >= 500]
