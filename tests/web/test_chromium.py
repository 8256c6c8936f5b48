"""The browser the tests and bench/pages.py drive holds the page under test and nothing else
busy: no toolbar page of its own rendering beside each new context."""

from __future__ import annotations

from tests.chromium import ARGS, playwright_disabled_features


def test_a_new_context_opens_no_page_of_the_browser_s_own(browser) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context()
    try:
        ctx.new_page().goto("about:blank")
        targets = browser.new_browser_cdp_session().send("Target.getTargets")["targetInfos"]
        ours = [t for t in targets if t["type"] not in ("page", "browser")]
        assert not ours, [(t["type"], t["url"]) for t in ours]
        assert [t["url"] for t in targets if t["type"] == "page"] == ["about:blank"]
    finally:
        ctx.close()


def test_the_features_playwright_turns_off_stay_off() -> None:
    # Chromium keeps only the last --disable-features: ours must hold Playwright's as well
    given = [a for a in ARGS if a.startswith("--disable-features=")]
    assert len(given) == 1
    off = given[0].split("=", 1)[1].split(",")
    found = playwright_disabled_features()
    assert {"PaintHolding", "OptimizationHints"} <= set(found)  # read from the driver
    assert set(found) <= set(off)
    assert {"WebUIOmniboxPopup", "WebUIOmniboxAimPopup"} <= set(off)
