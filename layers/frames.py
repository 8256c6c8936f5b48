"""A layer's SQL inside fixed frames (joined from constants only), and what they bind.

Each layer's own SQL (layers/sql/<key>.sql) returns (code, name, props jsonb, geom) for the
WGS84 box :minx … :maxy; the frames wrap it as a GeoJSON FeatureCollection, OGC API items,
a vector tile or an extent. Every value from a request is a bound parameter.

A layer whose rows change with the clock alone (the cases: overdue once due, gone 24 hours
after closing) may say when, as a fifth column `changes_at` (timestamptz; NULL: never): the
moment its row changes, or leaves the answer, with no write to any table. Its rows may never
enter by the clock. A FeatureCollection or tile then also answers `lasts`, the seconds until
the earliest of its rows' moments (NULL: none), and a cache keeps it that long
(webmap/tile_cache.py); a layer that reads the clock and does not say is kept a minute.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def layer_sql(key: str) -> str:
    """The layer's own SQL file, layers/sql/<key>.sql."""
    return files("layers").joinpath(f"sql/{key}.sql").read_text(encoding="utf-8")


# Joined from constants only: the layer's own SQL file inside a fixed frame. Every value from a
# request is a bound parameter (:minx … :maxy, :tol, :kind, :grid, :at).
_FC_HEAD = """
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
    json_build_object('type', 'Feature', 'id', f.code,
                      'geometry', ST_AsGeoJSON(f.g, 6)::json,
                      'properties', f.props || jsonb_build_object('code', f.code, 'name', f.name))
), '[]'::json))::text AS body, {lasts} AS lasts
FROM (SELECT code, name, props,
             CASE WHEN :tol > 0 THEN ST_SimplifyPreserveTopology(geom, :tol) ELSE geom END AS g
             {changes}
      FROM (
"""
_FC_TAIL = """
      ) l) f
WHERE NOT ST_IsEmpty(f.g)
"""


_ITEMS_HEAD = """
SELECT count(*) OVER () AS matched, f.code, f.name, f.props,
       ST_AsGeoJSON(CASE WHEN :flip THEN ST_FlipCoordinates(ST_Transform(f.geom, :srid))
                    ELSE ST_Transform(f.geom, :srid) END, :digits, 0) AS geometry
FROM (
"""
_ITEMS_TAIL = """
) f
WHERE ST_Intersects(f.geom, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326))
  AND (SELECT COALESCE(bool_and(COALESCE(f.props ->> q.k, CASE q.k WHEN 'code' THEN f.code
                                                               WHEN 'name' THEN f.name END)
                                = q.v), true)
       FROM unnest(CAST(:keys AS text[]), CAST(:vals AS text[])) AS q(k, v))
  AND (CAST(:t0 AS timestamptz) IS NULL
       OR CAST(f.props ->> 'created_iso' AS timestamptz) >= CAST(:t0 AS timestamptz))
  AND (CAST(:t1 AS timestamptz) IS NULL
       OR CAST(f.props ->> 'created_iso' AS timestamptz) <= CAST(:t1 AS timestamptz))
  AND (CAST(:fid AS text) IS NULL OR f.code = CAST(:fid AS text))
ORDER BY f.code
LIMIT :limit OFFSET :offset
"""
_TILE_HEAD = """
SELECT ST_AsMVT(m, :layer, 4096, 'geom') AS body, {lasts} AS lasts FROM (
    SELECT f.code, f.name, f.props,
           ST_AsMVTGeom(ST_Transform(f.geom, 3857), ST_TileEnvelope(:z, :x, :y), 4096, 64, :clip)
               AS geom
           {changes}
    FROM (
"""
_TILE_TAIL = """
    ) f
) t CROSS JOIN LATERAL (SELECT t.code, t.name, t.props, t.geom) m  -- the tile's columns
WHERE t.geom IS NOT NULL
"""
# a layer's changes_at, carried through a frame and made into its answer's `lasts`
_CHANGES = re.compile(r"\bAS\s+changes_at\b", re.IGNORECASE)
_LASTS = "extract(epoch FROM min(changes_at) - now())::float8"
# A data version: the sum of the change records (geo/sql/definitions/60_changes.sql) of the
# tables a layer reads. It only grows, and a result computed after reading it holds every
# change it counts. The layer's tables are written into the statement, as constants: its plan
# walks the table_name index (a plan made for any bound list scans the whole record).
_VERSION = "SELECT COALESCE(sum(n), 0)::bigint FROM data_changes WHERE table_name = ANY({tables})"
_TABLE = re.compile(r"[a-z_][a-z0-9_]*")
_VERSIONED_HEAD = "SELECT s.v, a.body, a.lasts FROM ({version}) s(v) CROSS JOIN LATERAL ("
_VERSIONED_TAIL = ") a"
_EXTENT_HEAD = """
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM (SELECT ST_Extent(f.geom) AS e FROM (
"""
_EXTENT_TAIL = """
) f) x
"""


WORLD = (-180.0, -90.0, 180.0, 90.0)


def layer_params(
    areas: list[str] | None,
    bbox: tuple[float, float, float, float] = WORLD,
    *,
    tol: float = 0.0,
    kind: str | None = None,
    grid: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """What every layer's SQL binds: the WGS84 box, the simplification in degrees, the
    facilities' kind, the cases' grid and playback moment, and the caller's areas (None:
    all)."""
    minx, miny, maxx, maxy = bbox
    return {
        "minx": minx,
        "miny": miny,
        "maxx": maxx,
        "maxy": maxy,
        "tol": tol,
        "kind": kind,
        "grid": grid,
        "at": at,
        "areas": areas,
    }


def items_params(
    areas: list[str] | None,
    bbox: tuple[float, float, float, float] = WORLD,
    *,
    filters: dict[str, str] | None = None,
    t0: object = None,
    t1: object = None,
    fid: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    srid: int = 4326,
    flip: bool = False,
    digits: int = 7,
) -> dict[str, Any]:
    """What items_sql binds beyond layer_params: attribute filters, the cases' time, one
    feature, paging (limit None: all), and the answer's CRS (north first: flip)."""
    filters = filters or {}
    return {
        **layer_params(areas, bbox),
        "keys": list(filters),
        "vals": list(filters.values()),
        "t0": t0,
        "t1": t1,
        "fid": fid,
        "limit": limit,
        "offset": offset,
        "srid": srid,
        "flip": flip,
        "digits": digits,
    }


@cache
def states_changes(key: str) -> bool:
    """Whether the layer's SQL says when its rows change by the clock (column changes_at)."""
    return bool(_CHANGES.search(layer_sql(key)))


@cache
def _framed(key: str, head: str, tail: str) -> str:
    if "{lasts}" in head:  # the answer's lasts, from the rows' changes_at if the layer says
        says = states_changes(key)
        head = head.format(
            lasts=_LASTS if says else "NULL::float8", changes=", changes_at" if says else ""
        )
    return head + layer_sql(key).strip().rstrip(";") + tail


def feature_collection_sql(key: str) -> str:
    """The layer as one GeoJSON FeatureCollection text (body), simplified by :tol degrees,
    and the seconds it holds by the clock (lasts: NULL for as long as the data)."""
    return _framed(key, _FC_HEAD, _FC_TAIL)


def versioned_feature_collection_sql(key: str, tables: Sequence[str]) -> str:
    """The data version of `tables`, the FeatureCollection and its lasts, in one snapshot (as
    versioned_tile_sql)."""
    return _versioned(tables, feature_collection_sql(key))


def items_sql(key: str) -> str:
    """The layer as rows for OGC API items and exports: attribute filters (:keys, :vals),
    cases' time (:t0, :t1), one feature (:fid), paging, the answer's CRS."""
    return _framed(key, _ITEMS_HEAD, _ITEMS_TAIL)


def tile_sql(key: str) -> str:
    """The layer's features in Web Mercator tile :z/:x/:y as one MVT layer named :layer (body;
    props' keys become the features' properties), and the seconds it holds by the clock
    (lasts). :clip false keeps each feature whole (a page that draws a layer from tiles keeps
    one copy of each feature by its code)."""
    return _framed(key, _TILE_HEAD, _TILE_TAIL)


def version_sql(tables: Sequence[str]) -> str:
    """The data version of these tables alone (a cache's check of what it holds): table names
    as the catalogue spells them (webmap/tile_cache.reads), written into the statement as
    constants."""
    if not tables or not all(_TABLE.fullmatch(t) for t in tables):
        raise ValueError(f"not table names: {tables!r}")
    return _VERSION.format(tables="ARRAY[" + ", ".join(f"'{t}'" for t in tables) + "]::text[]")


def versioned_tile_sql(key: str, tables: Sequence[str]) -> str:
    """The data version of `tables` (those the layer reads), the tile and its lasts, read in one
    snapshot: the tile is exactly that version's (a cache keeps it under it; webmap/tiles.py)."""
    return _versioned(tables, tile_sql(key))


def _versioned(tables: Sequence[str], answer: str) -> str:
    """The data version of `tables` beside an answer's body and lasts, in one statement."""
    return _VERSIONED_HEAD.format(version=version_sql(tables)) + answer + _VERSIONED_TAIL


def extent_sql(key: str) -> str:
    """The layer's extent (WGS84) as xmin, ymin, xmax, ymax."""
    return _framed(key, _EXTENT_HEAD, _EXTENT_TAIL)
