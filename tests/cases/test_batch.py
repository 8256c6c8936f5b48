"""Batch import: set-based, per-row report, accepted rows kept, rejected rows change nothing."""

import io
import json

import pytest
from sqlalchemy import text

from geo.crs import wgs84_to_gcj02
from tests.fixtures import GRID_A, GRID_B, m_point

KEY = {"X-API-Key": "dispatch-key"}


def csv_body() -> bytes:
    a, b = m_point(100, 100), m_point(300, 100)
    g = tuple(map(float, wgs84_to_gcj02(*b)))
    rows = [
        "lon,lat,crs,category,description,address",
        f"{a[0]},{a[1]},wgs84,parking,甲,测试新村",
        f"{g[0]},{g[1]},gcj02,noise,乙(高德坐标),",
        f"{a[1]},{a[0]},wgs84,parking,经纬度反了,",
        "abc,30.1,,parking,坏数字,",
        f"{a[0]},{a[1]},mars,parking,坏坐标系,",
        f"{a[0]},{a[1]},wgs84,ufo,坏类别,",
        f"{a[0]},{a[1]},wgs84,parking,,",
        f"{m_point(-900, 0)[0]},{m_point(-900, 0)[1]},wgs84,parking,区外,",
    ]
    return "\n".join(rows).encode()


def test_csv_batch_keeps_good_rows_and_reports_each_bad_one(client, session) -> None:  # type: ignore[no-untyped-def]
    before = session.execute(text("SELECT count(*) FROM cases")).scalar()
    r = client.post(
        "/api/v1/cases/batch", data=csv_body(), headers={**KEY, "Content-Type": "text/csv"}
    )
    rep = r.get_json()
    assert r.status_code == 200
    assert rep["rows"] == 8
    assert rep["accepted"] == 2
    reasons = {x["row"]: x["reason"] for x in rep["rejected"]}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "经纬度颠倒" in reasons[3]
    assert "有限数值" in reasons[4]
    assert "未知坐标系" in reasons[5]
    assert "案件类别" in reasons[6]
    assert "为空" in reasons[7]
    assert "超出辖区" in reasons[8]
    rows = session.execute(
        text(
            "SELECT description, grid_code, received_crs, status FROM cases "
            "ORDER BY id DESC LIMIT 2"
        )
    ).all()
    assert sorted((d, g, c, s) for d, g, c, s in rows) == [
        ("乙(高德坐标)", GRID_B, "gcj02", "assigned"),
        ("甲", GRID_A, "wgs84", "assigned"),
    ]
    assert session.execute(text("SELECT count(*) FROM cases")).scalar() == before + 2
    # no event per imported case: the import record is each one's creation entry
    ids = [r.id for r in session.execute(text("SELECT id FROM cases ORDER BY id DESC LIMIT 2"))]
    assert (
        session.execute(
            text("SELECT count(*) FROM case_events WHERE case_id = ANY(:ids)"), {"ids": ids}
        ).scalar()
        == 0
    )
    import_id = rep["parts"][0]["import_id"]
    url = f"/api/v1/cases/{ids[0]}"
    moved = client.post(f"{url}/transitions", json={"to": "accepted"}, headers=KEY)
    assert moved.status_code == 200
    events = client.get(url).get_json()["events"]
    assert [(e["kind"], e["from"], e["to"]) for e in events] == [
        ("created", None, "assigned"),
        ("transition", "assigned", "accepted"),
    ]
    assert events[0]["actor"].startswith("batch")
    assert f"导入记录 {import_id}" in events[0]["note"]
    assert "第 1–8 行" in events[0]["note"]
    # the case row itself carries its creation: without the record the entry stays, bare
    session.execute(text("DELETE FROM case_imports WHERE id = :i"), {"i": import_id})
    events = client.get(url).get_json()["events"]
    assert events[0]["kind"] == "created"
    assert events[0]["note"] == "批量导入并按规则派单"


def test_geojson_batch_as_a_file_upload(client) -> None:  # type: ignore[no-untyped-def]
    a = m_point(100, 100)
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": list(a)},
                "properties": {"category": "dispute", "description": "邻里纠纷"},
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"category": "dispute", "description": "无坐标"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": list(a)},
                "properties": {"category": "dispute", "address": None},
            },
        ],
    }
    from io import BytesIO

    r = client.post(
        "/api/v1/cases/batch",
        headers=KEY,
        data={"file": (BytesIO(json.dumps(doc).encode()), "cases.geojson")},
    )
    rep = r.get_json()
    assert rep["accepted"] == 1
    assert [x["row"] for x in rep["rejected"]] == [2, 3]
    assert "为空" in rep["rejected"][1]["reason"]  # absent or null: empty, not "None"


def test_unworkable_batch_is_422_and_writes_nothing(client, anonymous, session) -> None:  # type: ignore[no-untyped-def]
    before = session.execute(text("SELECT count(*) FROM cases")).scalar()
    r = client.post(
        "/api/v1/cases/batch", data=b"x,y\n1,2\n", headers={**KEY, "Content-Type": "text/csv"}
    )
    assert r.status_code == 422  # a CSV is any text to the description: its content is 422
    assert "缺少列" in r.get_json()["message"]
    assert anonymous.post("/api/v1/cases/batch", data=csv_body()).status_code == 401
    assert client.post("/api/v1/cases/batch", data=csv_body()).status_code == 403  # command
    # an uploaded file of nothing but a BOM (schemathesis found it a 500: the mapped file
    # could not be closed while the error still held a slice of it)
    lone_cr = client.post(  # a carriage return alone in the header (schemathesis found a 500)
        "/api/v1/cases/batch",
        data=b"lon,la\rt,category\n1,2,x\n",
        headers={**KEY, "Content-Type": "text/csv"},
    )
    assert lone_cr.status_code == 422
    assert "无法读取 CSV" in lone_cr.get_json()["message"]
    upload = {"file": (io.BytesIO(b"\xef\xbb\xbf"), "cases.csv")}
    r = client.post("/api/v1/cases/batch", headers=KEY, data=upload)
    assert r.status_code == 422
    assert "Empty CSV" in r.get_json()["message"]
    assert session.execute(text("SELECT count(*) FROM cases")).scalar() == before


def test_the_same_file_twice_is_409_and_writes_nothing_more(client, session) -> None:  # type: ignore[no-untyped-def]
    headers = {**KEY, "Content-Type": "text/csv"}
    first = client.post("/api/v1/cases/batch", data=csv_body(), headers=headers).get_json()
    assert first["accepted"] == 2
    assert first["parts"][0]["accepted"] == 2
    before = session.execute(text("SELECT count(*) FROM cases")).scalar()
    r = client.post("/api/v1/cases/batch", data=csv_body(), headers=headers)
    assert r.status_code == 409
    assert "已导入过" in r.get_json()["message"]
    assert session.execute(text("SELECT count(*) FROM cases")).scalar() == before
    edited = csv_body().replace("测试新村".encode(), "测试新村2号".encode())
    assert client.post("/api/v1/cases/batch", data=edited, headers=headers).status_code == 200


def test_a_file_without_one_good_row_can_be_sent_again(client) -> None:  # type: ignore[no-untyped-def]
    headers = {**KEY, "Content-Type": "text/csv"}
    bad = b"lon,lat,category,description\n120.1,30.3,ufo,x\nabc,30.3,parking,y\n"
    for _ in range(2):
        rep = client.post("/api/v1/cases/batch", data=bad, headers=headers).get_json()
        assert rep["accepted"] == 0
        assert [x["row"] for x in rep["rejected"]] == [1, 2]
        assert rep["parts"][0]["import_id"] is None


def test_a_geojson_batch_of_empty_features_is_refused_past_the_row_limit_in_bounded_memory(  # type: ignore[no-untyped-def]
    client,
) -> None:
    """Three bytes a feature (`{},`) make a million and a half features of a 4.5 MB body: the
    reading stops at the row limit, keeping one feature at a time, not a Python object each
    (which took 200 MB and more here, and a 256 MiB body gigabytes)."""
    import tracemalloc

    from data.load.case_batch import MAX_ROWS, BatchError, parse

    body = b'{"type":"FeatureCollection","features":[' + b"{}," * (MAX_ROWS * 3 // 2) + b"{}]}"
    tracemalloc.start()
    with pytest.raises(BatchError, match=f"每批至多 {MAX_ROWS} 行"):
        parse(body, "geojson")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 60_000_000, f"{peak / 1e6:.0f} MB held while reading"
    r = client.post(
        "/api/v1/cases/batch",
        headers={**KEY, "Content-Type": "application/geo+json"},
        data=body,
    )
    assert r.status_code == 422
    assert "每批至多" in r.get_json()["message"]


def test_a_geojson_batch_nested_too_deep_is_refused_as_it_is_read(client) -> None:  # type: ignore[no-untyped-def]
    """A property's value may be a small object (kept as its JSON text); a million open
    brackets are refused at the 32nd, not built (5 million took the machine's memory)."""
    a = m_point(100, 100)
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": list(a)},
        "properties": {"category": "dispute", "description": "嵌套", "extra": {"k": [1, 2]}},
    }
    doc = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    r = client.post(
        "/api/v1/cases/batch", headers=KEY, data={"file": (io.BytesIO(doc), "a.geojson")}
    )
    assert r.get_json()["accepted"] == 1
    deep = b'{"features":[{"properties":{"a":' + b"[" * 1_000_000
    r = client.post(
        "/api/v1/cases/batch",  # as the body (a multipart this large leaks the test client's file)
        headers={**KEY, "Content-Type": "application/geo+json"},
        data=deep,
    )
    assert r.status_code == 400
    assert "嵌套超过 32 层" in r.get_json()["message"]
