"""wrk (apt-get install wrk) over a list of paths, picked at random per request: requests per
second, p50 and p99 in milliseconds, and how many answers were not 2xx or 3xx."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path


def wrk(
    base: str, paths: list[str], seconds: int, headers: list[str], clients: int = 8
) -> dict[str, float]:
    """headers: wrk's own arguments, e.g. ["-H", "X-API-Key: …"]."""
    lua = Path(tempfile.mkstemp(suffix=".lua")[1])
    lua.write_text(
        "paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
        "request = function()\n  return wrk.format('GET', paths[math.random(#paths)])\nend\n"
    )
    try:
        out = subprocess.run(
            ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--latency"]
            + ["-s", str(lua), *headers, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        lua.unlink()

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", out)
        assert m, out
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "non2xx": int(bad.group(1)) if bad else 0}
