"""The server-side vector tile cache: each serving process keeps recent tiles in memory with the
data version they were made from, so a tile is never served from before a change to its data.

A layer's data version is the sum of the change records of the tables its SQL reads
(layers/frames.version_sql; geo/sql/definitions/60_changes.sql): every committed write
statement on one of them raises it. A request for a tile this process holds reads the current
version alone (one tiny statement); when it differs, or nothing is held, the tile query
(layers.frames.versioned_tile_sql) answers the version and the tile in one snapshot, and the
tile is kept under that version. A hit costs one tiny query; a load or a new case is served at
once. The same holds for the GeoJSON layers (/api/v1/layers/<key>.geojson, by box and zoom).
An answer that changes with the clock alone is kept until it does: a layer that says when its
rows change by the clock (the cases: overdue at the due time, gone 24 hours after closing;
layers/frames.py, changes_at) answers the seconds until the first of them, and its tile is kept
no longer (Tile.until); one that reads the clock and does not say is kept to the end of its
TIME_BUCKET_S.

The tables are found from the layer's SQL, following the views and SQL functions it names
through the catalogue (tests/web/test_tiles.py checks every one has the change triggers).

The serving processes of a host also share their tiles on disk (SharedTiles, under
var_dir/tiles): a process that does not hold a tile reads the version, then the file another
process wrote under that version, before it makes the tile itself. Without it each process
made every tile once (five processes: a page's first five visits each met tiles no process
near it had made; a grid tile takes 40-400 ms to make under load, 1 ms to read).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import struct
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, NamedTuple

import psycopg

from webmap.metrics import TILES

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


def reads(conn: psycopg.Connection[Any], sql: str) -> tuple[tuple[str, ...], bool]:
    """The tables a query reads (through views and SQL functions), and whether it reads the
    clock."""
    sources: dict[str, list[tuple[str, str | None]]] = {}
    for name, kind, body in conn.execute(_CATALOGUE).fetchall():
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


class Tile(NamedTuple):
    version: int
    until: float  # when it stops holding by the clock alone (time.time(); inf: never)
    data: bytes
    etag: str
    gz: bytes | None = None  # the same, gzipped, once a client has asked for it

    @property
    def size(self) -> int:
        """What the entry holds: its bytes and what any entry costs besides (the key, the
        tuple, the dictionary's slot), so that empty tiles count too and are evicted."""
        return ENTRY_OVERHEAD + len(self.data) + len(self.gz or b"")


# Bytes an entry costs beyond its tile's bytes (measured: a key of a tile and a Tile of an
# empty tile, with the OrderedDict's node, come to about 0.5 KB in CPython 3.11).
ENTRY_OVERHEAD = 512


def now() -> float:
    """The host's clock, as the tiles' `until` counts it."""
    return time.time()


def until(made: float, lasts: float | None, says: bool, clock: bool) -> float:
    """Until when an answer made at `made` holds by the clock alone: `lasts` seconds, if its
    layer says when its rows change (`says`, layers/frames.py) and one of them will; never
    for a layer that says and has none that will, nor for one that does not read the clock;
    else to the end of the TIME_BUCKET_S it was made in."""
    if lasts is not None:
        return made + max(lasts, 0.0)
    if says or not clock:
        return math.inf
    return (made // TIME_BUCKET_S + 1) * TIME_BUCKET_S


# Which database the tiles on disk are of: the cluster and the database. A version counts the
# committed changes of one change record, so the same number in a database or cluster made
# again may stand for other data; the record itself (its oid) is the version check's
# (webmap/tiles.py, TileCache.same_history) and names the files too (and the shared pages').
DATABASE_SQL = """
SELECT (SELECT system_identifier FROM pg_control_system()),
       (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def write_whole(path: Path, data: bytes) -> bool:
    """data to path (its folder made), written under a temporary name and renamed over it: a
    reader in another process finds the old file or the new, whole. False if it cannot be."""
    part = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(data)
        part.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            part.unlink()
        return False
    return True


class SharedTiles:
    """Tiles in files under root, one per key, read by every serving process of the host: each
    file holds the version it was made of and the time it holds until, and serves that version
    until then. Written whole under a temporary name, then renamed over the old; the oldest
    written or read go past max_bytes. Best effort: a file that cannot be written or read is a
    tile not kept."""

    # magic, version, until, etag, the body's length (then the body, then its gzip if made)
    _HEAD = struct.Struct("<4sqd32sq")
    _MAGIC = b"GMT3"

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root, self.max_bytes = root, max_bytes
        self._database: tuple[Any, ...] | None = None
        self._written = 0
        self._lock = threading.Lock()

    def path(self, conn: psycopg.Connection[Any], record: int, key: tuple[Any, ...]) -> Path:
        """The file of key, for the change record `record` of this connection's database."""
        if self._database is None:
            self._database = tuple(conn.execute(DATABASE_SQL).fetchone() or ())
        name = repr((self._database, record, key)).encode()
        return self.root / hashlib.sha256(name).hexdigest()[:40]

    def get(self, path: Path, version: int, now: float) -> Tile | None:
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        if len(raw) < self._HEAD.size:
            return None
        magic, v, until, etag, length = self._HEAD.unpack_from(raw)
        if magic != self._MAGIC or v != version or not until > now:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # read lately: the sweep keeps it
        body = raw[self._HEAD.size : self._HEAD.size + length]
        gz = raw[self._HEAD.size + length :] or None
        return Tile(version, until, body, etag.decode(), gz)

    def put(self, path: Path, tile: Tile) -> None:
        """Keep the tile, and its gzip if made (a process that reads it sends that: gzipping a
        scale-10 GeoJSON tile of 1.8 MB takes 27 ms, more under load)."""
        if tile.size > self.max_bytes // 8:
            return
        head = self._HEAD.pack(
            self._MAGIC, tile.version, tile.until, tile.etag.encode(), len(tile.data)
        )
        if not write_whole(path, head + tile.data + (tile.gz or b"")):
            return
        with self._lock:
            self._written += tile.size
            sweep = self._written > self.max_bytes // 8
            if sweep:
                self._written = 0
        if sweep:
            self.sweep()

    def sweep(self) -> None:
        """Past max_bytes, remove the files least lately written or read, to three quarters."""
        files, total = [], 0
        with contextlib.suppress(OSError), os.scandir(self.root) as found:
            for entry in found:
                with contextlib.suppress(OSError):
                    st = entry.stat()
                    files.append((st.st_mtime, st.st_size + ENTRY_OVERHEAD, entry.path))
                    total += st.st_size + ENTRY_OVERHEAD
        if total <= self.max_bytes:
            return
        for _, size, name in sorted(files):
            if total <= self.max_bytes * 3 // 4:
                break
            with contextlib.suppress(OSError):
                Path(name).unlink()
            total -= size


class TileCache:
    """Tiles by (layer, z, x, y, filters, areas), least recently used out past max_bytes; and,
    with `shared`, on the host's disk for the other serving processes."""

    def __init__(self, max_bytes: int, shared: SharedTiles | None = None) -> None:
        self.max_bytes = max_bytes
        self.shared = shared
        self.record: int | None = None  # the change record the kept versions count
        self._tiles: OrderedDict[tuple[Any, ...], Tile] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._reads: dict[str, tuple[tuple[str, ...], bool]] = {}
        self.hits = self.misses = 0

    def same_history(self, record: int) -> bool:
        """Whether the change record (data_changes, by its oid) is the one the kept tiles'
        versions count. A record made again (a restore, a database emptied) counts from where
        its rows start, so a number already seen may stand for other data: every tile kept is
        forgotten (the shared folder's files are named by the record: SharedTiles.path)."""
        if record == self.record:
            return True
        with self._lock:
            if self.record is not None:
                self._tiles.clear()
                self._size = 0
            self.record = record
        return False

    def layer_reads(
        self, conn: psycopg.Connection[Any], key: str, sql: str
    ) -> tuple[tuple[str, ...], bool]:
        if key not in self._reads:
            self._reads[key] = reads(conn, sql)
        return self._reads[key]

    def held(self, key: tuple[Any, ...], now: float) -> Tile | None:
        """The tile kept for key, if the clock has not changed it (its version still
        unchecked)."""
        with self._lock:
            tile = self._tiles.get(key)
            if tile is not None:
                self._tiles.move_to_end(key)
        return tile if tile is not None and tile.until > now else None

    def count(self, hit: bool) -> None:
        """A request answered from the cache or not (also /metrics' gridmap_tile_cache_total)."""
        TILES.labels("hit" if hit else "miss").inc()
        with self._lock:
            if hit:
                self.hits += 1
            else:
                self.misses += 1

    def put(self, key: tuple[Any, ...], tile: Tile) -> None:
        if self.max_bytes <= 0 or tile.size > self.max_bytes // 8:  # 0: no cache at all
            return
        with self._lock:
            old = self._tiles.pop(key, None)
            if old is not None:
                self._size -= old.size
            self._tiles[key] = tile
            self._size += tile.size
            while self._size > self.max_bytes:
                _, gone = self._tiles.popitem(last=False)
                self._size -= gone.size

    def __len__(self) -> int:
        return len(self._tiles)
