"""The server-side vector tile cache: each serving process keeps recent tiles in memory, keyed by
the layer's data version, so a tile is never served from before a change to its data.

A layer's data version is data_version() over the tables its SQL reads (geo/sql/definitions/
60_changes.sql): every committed write statement on one of them raises it. The version is read
before the tile is computed, so a cached tile holds at least every change its key counts; a
load or a new case raises it and the next request computes afresh. Layers whose SQL reads the
clock (cases: overdue, closed in the last 24 hours) are kept at most TIME_BUCKET_S besides.

The tables are found from the layer's SQL, following the views and SQL functions it names
through the catalogue (tests/test_tiles.py checks every one has the change triggers).
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

TIME_BUCKET_S = 60
_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_CLOCK = re.compile(r"\b(now\(\)|current_date|current_timestamp|localtimestamp|clock_timestamp)")
_CATALOGUE = """
SELECT c.relname, c.relkind::text, CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END
FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
UNION ALL
SELECT p.proname, 'f', p.prosrc
FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE s.nspname = 'public' AND l.lanname IN ('sql', 'plpgsql')
"""


def reads(session: Session, sql: str) -> tuple[tuple[str, ...], bool]:
    """The tables a query reads (through views and SQL functions), and whether it reads the
    clock."""
    sources: dict[str, list[tuple[str, str | None]]] = {}
    for name, kind, body in session.execute(text(_CATALOGUE)).all():
        sources.setdefault(name, []).append((kind, body))
    tables: set[str] = set()
    clock = bool(_CLOCK.search(sql.lower()))
    seen: set[str] = set()
    todo = set(_WORD.findall(sql.lower()))
    while todo:
        word = todo.pop()
        if word in seen or word not in sources:
            continue
        seen.add(word)
        for kind, body in sources[word]:
            if kind in ("r", "p"):
                tables.add(word)
            elif body:
                clock = clock or bool(_CLOCK.search(body.lower()))
                todo |= set(_WORD.findall(body.lower())) - seen
    return tuple(sorted(tables)), clock


class TileCache:
    """Tiles by (layer, z, x, y, areas, version), least recently used out past max_bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._tiles: OrderedDict[tuple[Any, ...], tuple[bytes, str]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._reads: dict[str, tuple[tuple[str, ...], bool]] = {}
        self.hits = self.misses = 0

    def layer_reads(self, session: Session, key: str, sql: str) -> tuple[tuple[str, ...], bool]:
        if key not in self._reads:
            self._reads[key] = reads(session, sql)
        return self._reads[key]

    def version(self, session: Session, key: str, sql: str) -> tuple[int, int]:
        """The layer's data version, and the clock's bucket for a layer that reads it."""
        tables, clock = self.layer_reads(session, key, sql)
        v = session.execute(text("SELECT data_version(:t)"), {"t": list(tables)}).scalar_one()
        return int(v), int(time.time() // TIME_BUCKET_S) if clock else 0

    def get(self, key: tuple[Any, ...]) -> tuple[bytes, str] | None:
        with self._lock:
            hit = self._tiles.get(key)
            if hit is None:
                self.misses += 1
            else:
                self.hits += 1
                self._tiles.move_to_end(key)
            return hit

    def put(self, key: tuple[Any, ...], data: bytes, etag: str) -> None:
        if len(data) > self.max_bytes // 8:
            return
        with self._lock:
            old = self._tiles.pop(key, None)
            if old is not None:
                self._size -= len(old[0])
            self._tiles[key] = (data, etag)
            self._size += len(data)
            while self._size > self.max_bytes:
                _, (gone, _) = self._tiles.popitem(last=False)
                self._size -= len(gone)

    def __len__(self) -> int:
        return len(self._tiles)
