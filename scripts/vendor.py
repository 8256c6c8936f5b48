"""Fetch the browser assets the pages need into webmap/static/vendor/ (a build artefact).

Leaflet, Leaflet.markercluster, Apache ECharts (the cockpit's charts) and MapLibre GL (the
cockpit's 3-D district) come from the npm registry at pinned versions and are checked against
the registry's sha512 integrity before anything is unpacked (Leaflet.heat too, of which folium
ships a minified copy). Standard library only: the wheel's build runs it too (setup.py), in an
environment without our dependencies. Run by `make run` / `make test`; idempotent (a stamp
file records what was installed).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "webmap" / "static" / "vendor"
PACKAGES = [
    {
        "name": "leaflet",
        "version": "1.9.3",
        "integrity": "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOs"
        "lixQF9D/uSIzhZgGMfQ==",
        "files": {
            "package/dist/leaflet.js": "leaflet/leaflet.js",
            "package/dist/leaflet.css": "leaflet/leaflet.css",
            "package/dist/images/": "leaflet/images/",
        },
    },
    {
        "name": "leaflet.markercluster",
        "version": "1.5.3",
        "integrity": "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4N"
        "pbAXpR2+NTRSEGfCSeA==",
        "files": {
            "package/dist/leaflet.markercluster.js": "markercluster/leaflet.markercluster.js",
            "package/dist/MarkerCluster.css": "markercluster/MarkerCluster.css",
            "package/dist/MarkerCluster.Default.css": "markercluster/MarkerCluster.Default.css",
        },
    },
    {
        "name": "leaflet.heat",
        "version": "0.2.0",
        "integrity": "sha512-Cd5PbAA/rX3X3XKxfDoUGi9qp78FyhWYurFg3nsfhntcM/MCNK08pRkf4iEenO1KNqwVPK"
        "CmkyktjW3UD+h9bQ==",
        "files": {
            "package/dist/leaflet-heat.js": "leaflet-heat/leaflet-heat.js",
            "package/LICENSE": "leaflet-heat/LICENSE",
        },
    },
    {
        "name": "echarts",
        "version": "5.6.0",
        "integrity": "sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkD"
        "VopOieyUqYGH8Fa3kA==",
        "files": {  # the build with line, bar and pie charts: the cockpit's, at half the size
            "package/dist/echarts.simple.min.js": "echarts/echarts.simple.min.js",
            "package/LICENSE": "echarts/LICENSE",
            "package/NOTICE": "echarts/NOTICE",
        },
    },
    {
        "name": "maplibre-gl",
        "version": "5.24.1",
        "integrity": "sha512-HyiYBwtsbk3L1n1EPLJHWqdoyMiF80n7tEYXFZyu2m1TjvaNx6KMLiFeDdmszt1/mq2zv"
        "sR1TJuX/NMu5BonXQ==",
        "files": {  # the CSP build: its worker is our own file, not a blob: URL
            "package/dist/maplibre-gl-csp.js": "maplibre/maplibre-gl-csp.js",
            "package/dist/maplibre-gl-csp-worker.js": "maplibre/maplibre-gl-csp-worker.js",
            "package/dist/maplibre-gl.css": "maplibre/maplibre-gl.css",
            "package/LICENSE.txt": "maplibre/LICENSE.txt",
        },
    },
    {
        "name": "swagger-ui-dist",
        "version": "5.35.0",
        "integrity": "sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXd"
        "GarTNNHC3sU8yVUQ==",
        "files": {
            "package/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
            "package/swagger-ui.css": "swagger-ui/swagger-ui.css",
            "package/LICENSE": "swagger-ui/LICENSE",
            "package/NOTICE": "swagger-ui/NOTICE",
        },
    },
]
REGISTRY = "https://registry.npmjs.org"


def fetch(pkg: dict) -> None:  # type: ignore[type-arg]
    name, version = pkg["name"], pkg["version"]
    url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as r:  # noqa: S310 (fixed https URL)
        blob = r.read()
    algo, want = pkg["integrity"].split("-", 1)
    got = base64.b64encode(hashlib.new(algo, blob).digest()).decode()
    if got != want:
        sys.exit(f"vendor: integrity check failed for {name}@{version}: {got} != {want}")
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for member in tar.getmembers():
            for src, dst in pkg["files"].items():
                if member.isfile() and (
                    member.name == src or (src.endswith("/") and member.name.startswith(src))
                ):
                    target = VENDOR / (dst + member.name[len(src) :] if src.endswith("/") else dst)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]


def main() -> None:
    stamp = VENDOR / "installed.json"
    want = {p["name"]: p["version"] for p in PACKAGES}
    if stamp.exists() and json.loads(stamp.read_text()) == want:
        return
    shutil.rmtree(VENDOR, ignore_errors=True)
    VENDOR.mkdir(parents=True)
    for pkg in PACKAGES:
        fetch(pkg)
        print(f"vendor: {pkg['name']}@{pkg['version']} (integrity ok)")
    stamp.write_text(json.dumps(want))


if __name__ == "__main__":
    main()
