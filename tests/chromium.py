"""How the browser tests and bench/pages.py start Debian's Chromium: headless, offline."""

import re
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

# Chromium 156 renders its toolbar's omnibox popup (a WebUI page, in a renderer of its own) for
# every new window, and each Playwright context is a new window: 0.4-0.7 s of CPU during each
# page load, on a core the page under test needed (a cockpit load 650-950 ms with it, 380-420
# ms without; the bare-Leaflet floor 520-950 ms, 280-340 ms).
QUIET_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]


def playwright_disabled_features() -> list[str]:
    """The features Playwright itself turns off (no network at start-up, no paint holding …),
    read from the driver it ships. Chromium keeps only the last --disable-features it is given,
    so ours must repeat them."""
    import playwright

    lib = Path(playwright.__file__).parent / "driver" / "package" / "lib"
    for path in (lib / "coreBundle.js", lib / "server" / "chromium" / "chromiumSwitches.js"):
        if path.exists():
            found = re.search(r"disabledFeatures\s*=\s*\[(.*?)\]", path.read_text(), re.S)
            if found:
                return re.findall(r'"([A-Za-z0-9]+)"', found.group(1))
    return []


ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=" + ",".join(playwright_disabled_features() + QUIET_FEATURES),
]
