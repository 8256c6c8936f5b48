"""The user guide (docs/使用手册.md) shows the pages as the Chromium tests see them: every
picture it names is one those tests take (tests/web/browsing.py GUIDE_SHOTS, copied by
`make guide`), and is there."""

from __future__ import annotations

import re

from tests.web.browsing import GUIDE, GUIDE_SHOTS


def test_every_picture_of_the_guide_is_a_screenshot_the_browser_tests_take() -> None:
    text = (GUIDE.parent / "使用手册.md").read_text(encoding="utf-8")
    named = re.findall(r"!\[[^\]]*\]\(使用手册/([^)]+)\)", text)
    assert named, "the guide shows no picture"
    assert set(named) <= set(GUIDE_SHOTS)
    for name in named:
        assert (GUIDE / name).is_file(), f"{name}: run `make guide`"
