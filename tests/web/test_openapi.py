"""The API description: a valid OpenAPI document that the app's answers keep to.

The schemathesis command generates requests from the document, data that fits it and data that
does not, sends them to the served app (on a database of its own, as they write), and checks
each answer with every check it has: no 5xx, a documented status, content type and headers, a
body that fits its schema, bad data refused with a 4xx and good data taken (or a 422 where the
district's data does not hold what it names, schemathesis.toml), Allow on every 405."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from geo.coverage.derived import refresh_all
from tests.conftest import _free_port, gunicorn, scratch_database
from tests.fixtures import SETTINGS

ROOT = Path(__file__).resolve().parents[2]  # the repository: schemathesis reads its toml there


def fuzz_command(base: str, key: str, seed: int) -> list[str]:
    """What the README's command runs: schemathesis against the app at `base`, every check."""
    return [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{base}/api/v1/openapi.json",
        "-H",
        f"X-API-Key: {key}",
        "--checks",
        "all",
        "--max-examples",
        "10",
        "--workers",
        "1",  # hypothesis's lambda descriptions are not thread-safe on CPython 3.11
        "--seed",
        str(seed),
        "--generation-database",
        "none",  # no examples kept from earlier runs: a clean checkout (CI) runs the same
        "--no-color",
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


def test_schemathesis_finds_nothing_against_the_served_app(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The schemathesis command, run as a client would run it (`schemathesis run
    …/api/v1/openapi.json -H 'X-API-Key: …' --checks all`, from the repository, so it reads
    schemathesis.toml) against the app served by gunicorn on a database of its own: every
    operation of the description, every check, examples that fit and that do not, and the
    stateful links; zero failures, zero server errors. A fixed seed and no example database
    keep the suite's run the same each time and on every machine; the README's command runs
    it with a fresh one."""
    url = scratch_database(cluster, "gridmap_fuzz_cli")
    engine = create_engine(url)
    with Session(engine) as s:  # fresh derived tables: a stale one would be a 503
        refresh_all(s, SETTINGS.coverage_reach_m)
        s.commit()
    engine.dispose()
    port = _free_port()
    env = {"PORT": str(port), "GRIDMAP_RESOLVED_URL": url, "GRIDMAP_RATE_LIMIT": "off"}
    with gunicorn(env, tmp_path / "gunicorn.log", workers=2, threads=4):
        run = subprocess.run(
            fuzz_command(f"http://127.0.0.1:{port}", "admin-key", seed=1),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    summary = run.stdout[-3000:]
    print(summary)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-3000:]
    tested = re.search(r"Tested: (\d+)", run.stdout)
    assert tested is not None
    assert int(tested.group(1)) >= 50, summary  # every operation, not a few
    assert "5xx" not in summary
