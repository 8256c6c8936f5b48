"""The Chromium tests' server (the demo district, served in this process) and browser
(Debian's chromium, headless, offline); their helpers are tests/web/browsing.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from tests.chromium import ARGS, CHROMIUM
from tests.fixtures import SETTINGS
from tests.web.browsing import CREATED, serving


@pytest.fixture(scope="module")
def server(demo_url: str) -> Iterator[str]:
    from geo.db import dispose_engines, get_engine

    with serving(demo_url, SETTINGS) as url:
        yield url
    with get_engine(demo_url).begin() as c:  # the shared demo database keeps no test case
        for sql in (
            "DELETE FROM notices WHERE case_id = ANY(:ids)",
            "DELETE FROM meeting_agenda WHERE case_id = ANY(:ids)",
            "DELETE FROM case_media WHERE case_id = ANY(:ids)",
            "DELETE FROM case_events WHERE case_id = ANY(:ids)",
        ):
            c.execute(text(sql), {"ids": CREATED})
        c.execute(text("DELETE FROM cases WHERE id = ANY(:ids)"), {"ids": CREATED})
    CREATED.clear()
    dispose_engines(demo_url)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (scripts/system-deps.sh test)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()
