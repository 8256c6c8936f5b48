"""Vector tiles (issue #19): every registry layer as Mapbox Vector Tiles read back by GDAL's MVT
driver with the layer's attributes, the ETag revalidation, zoom ranges and access."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pyogrio
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import keyed
from tests.fixtures import SETTINGS
from webmap.tiles import cache, tile_of


@pytest.mark.demo
def test_tiles_carry_the_layers_features_and_revalidate(demo_url: str, tmp_path: Path) -> None:
    from webmap import create_app

    app = create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS})
    c = keyed(app, SETTINGS.demo_key)
    z = 14
    x, y = tile_of(120.15, 30.30, z)
    r = c.get(f"/tiles/grids/{z}/{x}/{y}.mvt")
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.mapbox-vector-tile"
    f = tmp_path / str(z) / str(x) / f"{y}.pbf"
    f.parent.mkdir(parents=True)
    f.write_bytes(r.data)
    gdf = pyogrio.read_dataframe(f, layer="grids")
    engine = create_engine(demo_url)
    with engine.connect() as k:
        inside, near = k.execute(
            text(
                "SELECT count(*) FILTER (WHERE ST_Intersects(g, ST_TileEnvelope(:z, :x, :y))), "
                "count(*) FROM (SELECT ST_Transform(geom, 3857) AS g FROM grids) s "
                "WHERE ST_Intersects(g, ST_TileEnvelope(:z, :x, :y, margin => 64.0 / 4096))"
            ),
            {"z": z, "x": x, "y": y},
        ).one()
    engine.dispose()
    # every grid that meets the tile; of those only in its buffer, the ones wider than a pixel
    assert 0 < inside <= len(gdf) <= near
    assert {"code", "name", "households", "worker"} <= set(gdf.columns)
    assert gdf["name"].str.endswith("网格").all()  # Chinese attributes intact
    again = c.get(f"/tiles/grids/{z}/{x}/{y}.mvt", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["ETag"] == r.headers["ETag"]
    assert "no-cache" in r.headers["Cache-Control"]
    assert c.get(f"/tiles/buildings/10/{x >> 4}/{y >> 4}.mvt").status_code == 204  # below 14
    assert c.get("/tiles/grids/21/0/0.mvt").status_code == 400
    assert c.get("/tiles/grids/3/9/0.mvt").status_code == 400
    assert c.get("/tiles/nothing/1/0/0.mvt").status_code == 404
    tj = c.get("/tiles/roads.json").get_json()
    assert tj["tilejson"] == "3.0.0"
    assert tj["minzoom"] == 12
    assert tj["tiles"][0].endswith("/tiles/roads/{z}/{x}/{y}.mvt")
    assert app.test_client().get(f"/tiles/grids/{z}/{x}/{y}.mvt").status_code == 401


@pytest.mark.demo
def test_a_geojson_tile_holds_the_features_that_meet_it_whole(
    demo_url: str, tmp_path: Path
) -> None:
    """What the pages draw big layers from: the tile as GeoJSON, the same features as its MVT
    (each whole, not cut at the tile's edge), with their attributes; revalidated, empty below
    the layer's zoom range, refused for a bad tile or an anonymous caller."""
    from shapely.geometry import box, shape

    from webmap import create_app
    from webmap.tiles import SHARPER, tile_bounds

    app = create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS})
    c = keyed(app, SETTINGS.demo_key)
    z = 14
    x, y = tile_of(120.15, 30.30, z)
    r = c.get(f"/tiles/grids/{z}/{x}/{y}.geojson")
    assert r.status_code == 200
    assert r.mimetype == "application/geo+json"
    features = r.get_json()["features"]
    as_mvt = _ids(c.get(f"/tiles/grids/{z}/{x}/{y}.mvt").data, "grids", tmp_path)
    codes = [f["properties"]["code"] for f in features]
    assert len(codes) == len(set(codes))  # each once
    # the MVT's features, and those whose box meets the tile's (with its buffer), as the
    # GeoJSON API's bbox: the MVT leaves out some of the latter
    assert as_mvt <= set(codes)
    tile = box(*tile_bounds(z, x, y))
    shapes = [shape(f["geometry"]) for f in features]
    assert all(box(*g.bounds).intersects(tile) for g in shapes)
    assert any(not tile.contains(g) for g in shapes)  # reaching past the edge: whole, not cut
    # each as the whole layer's answer has it, simplified for two zooms above the tile's
    everywhere = f"/api/v1/layers/grids.geojson?bbox=-180,-90,180,90&zoom={z + SHARPER}"
    whole = {f["properties"]["code"]: f for f in c.get(everywhere).get_json()["features"]}
    for f in features:
        assert f == whole[f["properties"]["code"]]
    assert {"code", "name", "households", "worker"} <= set(features[0]["properties"])
    again = c.get(f"/tiles/grids/{z}/{x}/{y}.geojson", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    assert c.get(f"/tiles/buildings/10/{x >> 4}/{y >> 4}.geojson").status_code == 204
    assert c.get("/tiles/grids/21/0/0.geojson").status_code == 400
    assert c.get("/tiles/nothing/1/0/0.geojson").status_code == 404
    assert app.test_client().get(f"/tiles/grids/{z}/{x}/{y}.geojson").status_code == 401
    layers = {spec["key"]: spec for spec in c.get("/api/v1/layers").get_json()}
    assert layers["grids"]["geojson_tiles"] == "/tiles/grids/{z}/{x}/{y}.geojson"
    assert layers["streets"]["geojson_tiles"] is None  # not tiled: by bbox


def test_a_tile_from_the_shared_folder_is_sent_gzipped_as_made(  # type: ignore[no-untyped-def]
    db_url: str, connection, tmp_path: Path, monkeypatch
) -> None:
    """A tile is gzipped once, where it is made, and kept so on disk: another serving process
    sends those bytes without compressing them again (1.8 MB of GeoJSON: 27 ms, more under
    load, in each process that read it)."""
    import gzip

    from tests.conftest import make_app
    from tests.fixtures import m_point
    from webmap import tiles
    from webmap.tile_cache import SharedTiles, TileCache

    apps = [make_app(db_url, connection, SETTINGS) for _ in range(2)]
    for a in apps:
        a.extensions["gridmap.tiles"] = TileCache(8 << 20, SharedTiles(tmp_path / "tiles", 8 << 20))
    one, two = (keyed(a) for a in apps)
    x, y = tile_of(*m_point(300, 100), 12)  # the test district's grids
    url = f"/tiles/grids/12/{x}/{y}.geojson"
    zipped = {"Accept-Encoding": "gzip"}
    monkeypatch.setattr(tiles, "GZIP_FROM", 100)  # the test district's tiles are small
    compress, made = gzip.compress, []
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: made.append(1) or compress(*a, **k))
    first = one.get(url, headers=zipped)
    assert first.headers.get("Content-Encoding") == "gzip", len(first.data)
    assert len(made) == 1
    served = two.get(url, headers=zipped)
    assert len(made) == 1  # read with its gzip from the folder
    assert served.data == first.data
    assert served.headers["ETag"] == first.headers["ETag"]
    assert gzip.decompress(served.data) == two.get(url).data  # and plain to one that asks so


def _ids(data: bytes, layer: str, tmp: Path) -> set[str]:
    if not data:
        return set()
    f = tmp / "t.pbf"
    f.write_bytes(data)
    return set(pyogrio.read_dataframe(f, layer=layer)["code"])


def test_the_tile_cache_serves_a_hit_and_never_a_tile_from_before_a_change(  # type: ignore[no-untyped-def]
    app, client, tmp_path: Path
) -> None:
    from tests.fixtures import m_point
    from webmap.tiles import cache

    lon, lat = m_point(300, 100)
    x, y = tile_of(lon, lat, 16)
    url = f"/tiles/cases/16/{x}/{y}.mvt"
    first = client.get(url)
    assert first.status_code == 200
    with app.app_context():
        tiles = cache()
    hits = tiles.hits
    again = client.get(url)
    assert tiles.hits == hits + 1
    assert again.data == first.data
    new = client.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "parking", "description": "缓存之后的案件"},
    )
    assert new.status_code == 201
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != first.headers["ETag"]
    assert str(new.get_json()["id"]) in _ids(after.data, "cases", tmp_path)
    assert str(new.get_json()["id"]) not in _ids(first.data, "cases", tmp_path)
    # a write to a table the layer does not read leaves its tiles cached
    grids = client.get(f"/tiles/grids/16/{x}/{y}.mvt")
    hits = tiles.hits
    assert client.get(f"/tiles/grids/16/{x}/{y}.mvt").data == grids.data
    assert tiles.hits == hits + 1


def test_a_cases_answer_is_kept_until_the_clock_changes_one_of_its_cases(  # type: ignore[no-untyped-def]
    app, client, session, monkeypatch
) -> None:
    """The cases layer says when the clock alone changes a case (overdue at its due time; once
    closed, gone 24 hours on): its tile and GeoJSON are kept until the first such moment among
    their cases, past the minute a layer that reads the clock and does not say is kept, and
    made again after it. A layer that does not read the clock, and a past moment's cases
    (playback), are kept for as long as their data."""
    import webmap.tiles
    from layers.frames import feature_collection_sql, layer_params
    from tests.fixtures import m_point
    from webmap.tiles import cache

    lon, lat = m_point(300, 100)
    new = client.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "parking", "description": "到期之前"},
    )
    assert new.status_code == 201
    case = new.get_json()["id"]
    session.execute(  # due ten minutes from the database's now (the test transaction's)
        text("UPDATE cases SET due_at = now() + interval '10 minutes' WHERE id = :i"), {"i": case}
    )
    session.flush()
    clock = [time.time()]
    monkeypatch.setattr(webmap.tiles, "now", lambda: clock[0])
    x, y = tile_of(lon, lat, 16)
    box = f"{lon - 0.001:.6f},{lat - 0.001:.6f},{lon + 0.001:.6f},{lat + 0.001:.6f}"
    urls = [
        f"/tiles/cases/16/{x}/{y}.mvt",
        f"/api/v1/layers/cases.geojson?bbox={box}&zoom=16",
        f"/tiles/grids/16/{x}/{y}.mvt",  # reads no clock
        f"/tiles/cases/16/{x}/{y}.mvt?at=2025-01-01T12:00:00%2B08:00",  # a past moment
        f"/api/v1/layers/on_duty.geojson?bbox={box}&zoom=16",  # reads the clock, does not say
    ]
    with app.app_context():
        tiles = cache()

    def made(url: str, after_s: float) -> bool:
        clock[0] = start + after_s
        misses = tiles.misses
        assert client.get(url).status_code == 200
        return tiles.misses > misses

    start = clock[0]
    assert [made(u, 0) for u in urls] == [True] * 5
    overdue = [f["properties"]["overdue"] for f in client.get(urls[1]).get_json()["features"]]
    assert overdue == [False]
    # five minutes on: the minute is over for on_duty alone
    assert [made(u, 300) for u in urls] == [False, False, False, False, True]
    assert [made(u, 601) for u in urls] == [True, True, False, False, True]  # due: made again
    assert [made(u, 10 * 86400) for u in urls[2:4]] == [False, False]
    # the layer's own answer of the seconds: to the due time; a closed case's, to a day after
    params = layer_params(None, (lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001))
    lasts = session.execute(text(feature_collection_sql("cases")), params).one().lasts
    assert 599 <= lasts <= 600
    session.execute(
        text(
            "UPDATE cases SET status = 'closed', closed_at = now(), "
            "updated_at = now() - interval '23 hours' WHERE id = :i"
        ),
        {"i": case},
    )
    got = session.execute(text(feature_collection_sql("cases")), params).one()
    assert '"status": "closed"' in got.body or '"status":"closed"' in got.body
    assert 3599 <= got.lasts <= 3600


def test_the_serving_processes_share_their_tiles_on_disk_by_version(  # type: ignore[no-untyped-def]
    db_url: str, connection, tmp_path: Path
) -> None:
    """Two apps (two serving processes) with one shared folder: what one made, the other serves
    without making it, the same bytes and ETag; after a change, neither serves the old file,
    and the one that holds the old tile in memory takes the other's new file."""
    from tests.conftest import make_app
    from tests.fixtures import m_point
    from webmap.tile_cache import SharedTiles, TileCache

    apps = [make_app(db_url, connection, SETTINGS) for _ in range(2)]
    caches = []
    for a in apps:  # a test's app shares nothing by itself (its connection sees its own writes)
        a.extensions["gridmap.tiles"] = TileCache(8 << 20, SharedTiles(tmp_path / "tiles", 8 << 20))
        caches.append(a.extensions["gridmap.tiles"])
    one, two = (keyed(a) for a in apps)
    lon, lat = m_point(300, 100)
    x, y = tile_of(lon, lat, 16)
    url = f"/tiles/cases/16/{x}/{y}.mvt"
    made = one.get(url)
    assert made.status_code == 200
    assert caches[0].misses == 1
    assert len(list((tmp_path / "tiles").iterdir())) == 1
    shared = two.get(url)
    assert (caches[1].hits, caches[1].misses) == (1, 0)
    assert shared.data == made.data
    assert shared.headers["ETag"] == made.headers["ETag"]
    new = one.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "parking", "description": "共享缓存之后"},
    )
    assert new.status_code == 201
    case = str(new.get_json()["id"])
    after = two.get(url)
    assert caches[1].misses == 1  # the file is of the old version: made again
    assert case in _ids(after.data, "cases", tmp_path)
    assert case not in _ids(made.data, "cases", tmp_path)
    hits = caches[0].hits
    again = one.get(url)  # its memory holds the old version; the folder the new
    assert caches[0].hits == hits + 1
    assert caches[0].misses == 1
    assert again.data == after.data
    assert again.headers["ETag"] == after.headers["ETag"]


def test_a_change_record_made_again_voids_every_kept_tile(  # type: ignore[no-untyped-def]
    db_url: str, connection, session, tmp_path: Path
) -> None:
    """A restore makes the change record again, and its sums start over: the same version
    number may then stand for other data. A process that holds tiles, and the shared folder,
    serve none made before it, though the number is the same."""
    from tests.conftest import make_app
    from webmap.tile_cache import SharedTiles, TileCache

    apps = [make_app(db_url, connection, SETTINGS) for _ in range(2)]
    caches = []
    for a in apps:
        a.extensions["gridmap.tiles"] = TileCache(8 << 20, SharedTiles(tmp_path / "tiles", 8 << 20))
        caches.append(a.extensions["gridmap.tiles"])
    one, two = (keyed(a) for a in apps)
    x, y = tile_of(120.15, 30.30, 14)
    url = f"/tiles/grids/14/{x}/{y}.mvt"
    assert one.get(url).status_code == 200
    assert one.get(url).status_code == 200
    assert (caches[0].hits, caches[0].misses) == (1, 1)
    # the record made again with the same rows: every version the same number as before
    session.execute(text("ALTER TABLE data_changes RENAME TO data_changes_before"))
    session.execute(text("CREATE TABLE data_changes (LIKE data_changes_before INCLUDING ALL)"))
    session.execute(text("INSERT INTO data_changes SELECT * FROM data_changes_before"))
    session.flush()
    assert one.get(url).status_code == 200  # made again, though its version is the same
    assert (caches[0].hits, caches[0].misses) == (1, 2)
    assert len(list((tmp_path / "tiles").iterdir())) == 2  # under the new record's name
    assert two.get(url).status_code == 200  # the other process reads that one
    assert (caches[1].hits, caches[1].misses) == (1, 0)


def test_the_shared_tiles_serve_their_version_only_and_keep_to_their_size(tmp_path: Path) -> None:
    """A file serves the version it was made of until the time it holds to, and nothing else; a
    short or foreign file is no tile; past the size, the least lately written or read go first."""
    import os

    from webmap.tile_cache import ENTRY_OVERHEAD, SharedTiles, Tile

    shared = SharedTiles(tmp_path, 40 * (ENTRY_OVERHEAD + 1000))
    first = tmp_path / "first"
    shared.put(first, Tile(7, 1000.0, b"x" * 1000, "e" * 32))
    kept = shared.get(first, 7, 999.5)
    assert kept is not None
    assert kept.data == b"x" * 1000
    assert kept.etag == "e" * 32
    assert kept.until == 1000.0
    assert shared.get(first, 8, 999.5) is None  # another version
    assert shared.get(first, 7, 1000.0) is None  # its time is up
    (tmp_path / "short").write_bytes(b"GMT2")
    (tmp_path / "foreign").write_bytes(b"\0" * 2000)
    assert shared.get(tmp_path / "short", 7, 0) is None
    assert shared.get(tmp_path / "foreign", 0, 0) is None
    assert shared.get(tmp_path / "missing", 7, 0) is None
    for f in ("short", "foreign"):
        (tmp_path / f).unlink()
    os.utime(first, (999, 999))  # the oldest
    for i in range(100):
        shared.put(tmp_path / f"t{i}", Tile(1, math.inf, bytes(1000), "e" * 32))
        os.utime(tmp_path / f"t{i}", (1000 + i, 1000 + i))  # written one second apart
        if i == 30:  # before the folder is full
            assert shared.get(first, 7, 0) is not None  # read now: kept
    names = {p.name for p in tmp_path.iterdir()}
    assert 20 <= len(names) <= 40
    assert "first" in names
    assert "t99" in names
    assert "t0" not in names


def test_a_load_changes_the_layers_tiles(app, client, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A layer loaded again (here one building's row rewritten, as `gridmap load` does) is
    served afresh at once; a truncation too."""
    from tests.fixtures import m_point

    lon, lat = m_point(300, 100)
    x, y = tile_of(lon, lat, 14)
    url = f"/tiles/buildings/14/{x}/{y}.mvt"
    before = _ids(client.get(url).data, "buildings", tmp_path)
    session.execute(
        text(
            "INSERT INTO buildings (code, name, floors, geom) VALUES ('TILE-1', '新楼', 3, "
            "ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(:x, :y), 4326), 0.0002)))"
        ),
        {"x": lon, "y": lat},
    )
    session.flush()
    assert _ids(client.get(url).data, "buildings", tmp_path) == before | {"TILE-1"}
    session.execute(text("TRUNCATE buildings CASCADE"))
    session.flush()
    assert client.get(url).data == b""


def test_every_table_a_layer_reads_records_its_changes(session) -> None:  # type: ignore[no-untyped-def]
    from geo.db import driver
    from layers.registry import LAYERS
    from webmap.tile_cache import reads

    triggered = set(
        session.execute(
            text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'note_change_rows'"
            )
        ).scalars()
    )
    read_by = {}
    for spec in LAYERS.values():
        if spec.computed:
            continue
        tables, clock = reads(driver(session), spec.sql)
        assert tables, spec.key
        assert set(tables) <= triggered, (spec.key, set(tables) - triggered)
        read_by[spec.key] = tables, clock
    assert read_by["cases"][1]
    assert not read_by["roads"][1]
    assert {"cases", "categories"} <= set(read_by["cases"][0])
    assert read_by["roads"][0] == ("road_edges",)


def test_static_assets_revalidate_by_etag(anonymous) -> None:  # type: ignore[no-untyped-def]
    """Page assets carry an ETag and `no-cache`: a browser keeps them and asks again, and gets
    304 while the file is unchanged, compressed or not (the ETag is weak once gzipped)."""
    for enc in ("", "gzip"):
        with anonymous.get("/static/gridmap/gridmap.js", headers={"Accept-Encoding": enc}) as r:
            assert r.status_code == 200
            assert "no-cache" in r.headers["Cache-Control"]
            etag = r.headers["ETag"]
            assert etag.startswith('W/"') == (enc == "gzip")
        with anonymous.get(
            "/static/gridmap/gridmap.js",
            headers={"If-None-Match": etag, "Accept-Encoding": enc},
        ) as again:
            assert again.status_code == 304


@pytest.mark.demo
def test_tiles_are_gzipped_for_clients_that_take_it(demo_url: str) -> None:
    import gzip

    from webmap import create_app

    client = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    x, y = tile_of(120.15, 30.30, 14)
    url = f"/tiles/grids/14/{x}/{y}.mvt"
    raw = client.get(url)
    assert raw.status_code == 200
    assert "Content-Encoding" not in raw.headers
    for _ in range(2):  # compressed once, then from the cache
        z = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert z.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in z.headers["Vary"]
        assert gzip.decompress(z.data) == raw.data
        assert z.headers["ETag"] != raw.headers["ETag"]
        assert len(z.data) < len(raw.data) * 0.8
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": z.headers["ETag"]})
    assert again.status_code == 304


def test_the_tile_cache_counts_every_entry_and_honours_zero() -> None:
    """Empty tiles cost their entry too, so they are evicted like the rest; a cache of 0 MB
    stores nothing."""
    from webmap.tile_cache import ENTRY_OVERHEAD, Tile, TileCache

    none = TileCache(0)
    none.put(("roads", 14, 1, 1), Tile(1, math.inf, b"", "e"))
    assert len(none) == 0
    small = TileCache(10 * ENTRY_OVERHEAD)
    for i in range(100):
        small.put(("roads", 14, i, 1), Tile(1, math.inf, b"", "e"))
    assert len(small) == 10


def test_a_tile_filter_the_layer_does_not_read_is_no_part_of_its_key(app) -> None:  # type: ignore[no-untyped-def]
    """kind and grid reach the cache's key only for the layers that read them; a grid that
    is no grid code is a 400. Made-up values cannot fill the cache."""
    from webmap.tiles import cache

    c = keyed(app, "admin-key")
    x, y = tile_of(120.15, 30.30, 14)
    for i in range(20):
        assert c.get(f"/tiles/grids/14/{x}/{y}.mvt?kind=made-up-{i}").status_code == 200
    with app.app_context():
        assert len(cache()) == 1
    assert c.get(f"/tiles/cases/14/{x}/{y}.mvt?grid=not-a-grid").status_code == 400


def test_a_data_version_is_the_sum_of_its_tables_change_records(session) -> None:  # type: ignore[no-untyped-def]
    """The statement a cache hit runs and the versioned frames (the tables written in as
    constants) count the tables' change records, and a write to one of them raises both."""
    from layers.frames import version_sql, versioned_tile_sql

    def both() -> tuple[int, int]:
        alone = session.execute(text(version_sql(["grids", "streets"]))).scalar_one()
        framed = session.execute(
            text(versioned_tile_sql("streets", ["grids", "streets"])),
            {"minx": 0, "miny": 0, "maxx": 0.001, "maxy": 0.001, "tol": 0, "kind": None}
            | {"grid": None, "at": None, "areas": None, "z": 20, "x": 0, "y": 0}
            | {"layer": "streets", "clip": True},
        ).one()[0]
        return alone, framed

    before = both()
    assert (
        before[0]
        == before[1]
        == sum(
            session.execute(
                text("SELECT n FROM data_changes WHERE table_name IN ('grids', 'streets')")
            ).scalars()
        )
    )
    session.execute(text("UPDATE streets SET name = name WHERE false"))  # a statement, no row
    assert both() == (before[0] + 1, before[1] + 1)
    session.rollback()
    with pytest.raises(ValueError, match="not table names"):
        version_sql(["streets'; DROP TABLE cases; --"])
    with pytest.raises(ValueError, match="not table names"):
        version_sql([])


def test_a_serving_process_makes_its_first_answers_ready_before_a_request(app) -> None:  # type: ignore[no-untyped-def]
    """A serving process (webmap.served_app) joins and gzips every page's bundles and reads
    which tables each layer reads before its first request, not on the first that waits."""
    from layers.registry import LAYERS
    from webmap import bundles
    from webmap.warm import warm

    with bundles._lock:
        bundles._bundles.clear()
        bundles._names.clear()
    with app.app_context():
        kept = cache()
    assert kept._reads == {}
    warm(app)
    assert set(kept._reads) == {key for key, spec in LAYERS.items() if not spec.computed}
    lists = set(bundles._every_list())
    assert len(bundles._names) == len(lists)
    for paths in lists:
        name = bundles.url(paths).removeprefix("/static/bundle/")
        assert bundles._bundles[name].gz
