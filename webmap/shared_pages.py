"""Built pages on the host's disk, read by every serving process (webmap/pages.py).

Each serving process keeps the pages it built; without this, each of a host's processes built
each page for itself (40-70 ms of Folium and queries on the scale-10 district), and a page's
scripts, asked for by the browser at once, could land on processes that had not built it and
build it again to serve them. A file holds one page: its HTML and its scripts by digest, named
by what it was built from (the database, its data version, the caller's query, role and areas,
the static files' bundles). Written whole under a temporary name, then renamed over; past
max_files the least lately written or read go. Best effort: a file that cannot be written or
read is a page built here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from pathlib import Path

from webmap.tile_cache import write_whole


class SharedPages:
    def __init__(self, root: Path, max_files: int = 512) -> None:
        self.root, self.max_files = root, max_files
        self._written = 0
        self._lock = threading.Lock()

    def path(self, name: tuple[object, ...]) -> Path:
        return self.root / hashlib.sha256(repr(name).encode()).hexdigest()[:40]

    def get(self, path: Path) -> tuple[str, dict[str, str]] | None:
        try:
            found = json.loads(path.read_bytes())
            html, scripts = found["html"], found["scripts"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(html, str) or not isinstance(scripts, dict):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # read lately: the sweep keeps it
        return html, scripts

    def put(self, path: Path, html: str, scripts: dict[str, str]) -> None:
        if not write_whole(path, json.dumps({"html": html, "scripts": scripts}).encode()):
            return
        with self._lock:
            self._written += 1
            sweep = self._written >= self.max_files // 4
            if sweep:
                self._written = 0
        if sweep:
            self.sweep()

    def sweep(self) -> None:
        """Past max_files, remove the least lately written or read, to three quarters."""
        found: list[tuple[float, str]] = []
        with contextlib.suppress(OSError), os.scandir(self.root) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    found.append((entry.stat().st_mtime, entry.path))
        if len(found) <= self.max_files:
            return
        for _, name in sorted(found)[: len(found) - self.max_files * 3 // 4]:
            with contextlib.suppress(OSError):
                Path(name).unlink()
