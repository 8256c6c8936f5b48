"""Photos of cases (issue #29): checked by content, the phone's position kept for staff and
stripped from every copy served to anyone else, thumbnails, 9 a stage, Open311's media_url."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.cases.test_desk import report
from tests.conftest import keyed

GPS = 0x8825


def jpeg_with_gps(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    img = Image.new("RGB", (640, 480), colour)
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    gps = exif.get_ifd(GPS)
    gps.update({1: "N", 2: (30.0, 17.0, 24.0), 3: "E", 4: (120.0, 9.0, 36.0)})
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(
    app: Any, who: str, case_id: int, data: bytes, stage: str = "report", name: str = "p.jpg"
) -> Any:
    return keyed(app, f"{who}-key").post(
        f"/api/v1/cases/{case_id}/media",
        data={"stage": stage, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_photo_keeps_its_place_for_staff_and_none_for_anyone_else(app) -> None:  # type: ignore[no-untyped-def]
    case_id = report(app, "parking")
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS)  # the phone's position is in
    r = upload(app, "worker_a", case_id, data)
    assert r.status_code == 201, r.get_json()
    lon, lat = r.get_json()["gps"]
    assert abs(lon - 120.16) < 0.001
    assert abs(lat - 30.29) < 0.001
    staff = keyed(app, "street-key").get(f"/api/v1/cases/{case_id}/media").get_json()
    assert staff[0]["stage"] == "report"
    assert abs(staff[0]["place"]["lon"] - 120.16) < 0.001
    masked = keyed(app, "command-key").get(f"/api/v1/cases/{case_id}/media").get_json()
    assert "place" not in masked[0]
    public = app.test_client().get(staff[0]["url"])  # anyone: a report photo is public
    assert public.status_code == 200
    assert public.mimetype == "image/jpeg"
    served = Image.open(io.BytesIO(public.data))
    assert served.size == (640, 480)
    assert not served.getexif().get_ifd(GPS)  # no position
    assert not served.getexif()  # nor any other metadata
    thumb = Image.open(io.BytesIO(app.test_client().get(staff[0]["thumb_url"]).data))
    assert max(thumb.size) == 320
    assert not thumb.getexif()
    listed = app.test_client().get("/open311/v2/requests.json?status=open").get_json()
    mine = [x for x in listed if x["media_url"] and x["media_url"].endswith(staff[0]["url"])]
    assert len(mine) == 1


def test_only_images_are_taken_and_nine_a_stage(app) -> None:  # type: ignore[no-untyped-def]
    case_id = report(app, "noise")
    fake = upload(app, "street", case_id, b"%PDF-1.4 not a photo", name="photo.jpg")
    assert fake.status_code == 422  # a file that fits the description, but is no photo
    assert "JPEG" in fake.get_json()["message"]
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, format="GIF")
    assert upload(app, "street", case_id, gif.getvalue(), name="a.gif").status_code == 422
    png = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(png, format="PNG")
    ok = upload(app, "street", case_id, png.getvalue(), stage="handling", name="x.png")
    assert ok.status_code == 201
    assert ok.get_json()["gps"] is None
    for i in range(9):
        assert upload(app, "street", case_id, jpeg_with_gps((i, i, i))).status_code == 201
    tenth = upload(app, "street", case_id, jpeg_with_gps((99, 99, 99)))
    assert tenth.status_code == 409
    assert upload(app, "planner", case_id, png.getvalue()).status_code == 403
    assert upload(app, "street", case_id, png.getvalue(), stage="later").status_code == 400
    handling = keyed(app, "street-key").get(f"/api/v1/cases/{case_id}/media").get_json()
    private = [p for p in handling if p["stage"] == "handling"][0]["url"]
    assert app.test_client().get(private).status_code == 401  # not a report photo


def test_the_catalogue_loads_row_by_row_and_a_photo_rule_holds_at_resolution(app, session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from geo.cases.catalogue import load_categories
    from tests.cases.test_desk import step

    rep = load_categories(
        session,
        [
            {
                "编码": "parking",
                "名称": "停车管理",
                "大类": "基层治理",
                "类型": "事件",
                "立案条件": "占用消防通道或主干道",
                "处置时限": "24",
                "工作时": "否",
                "默认单位": "",
                "需处置照片": "是",
            },
            {
                "编码": "manhole",
                "名称": "井盖",
                "大类": "公用设施类",
                "大类编码": "01",
                "类型": "部件",
                "处置时限": "8",
                "工作时": "是",
                "默认单位": "SW",
                "需处置照片": "是",
            },
            {"编码": "Bad Code", "名称": "x", "大类": "x", "类型": "事件", "处置时限": "1"},
            {"编码": "x1", "名称": "x", "大类": "x", "类型": "物件", "处置时限": "1"},
            {"编码": "x2", "名称": "x", "大类": "x", "类型": "事件", "处置时限": "0"},
            {
                "编码": "x3",
                "名称": "x",
                "大类": "x",
                "类型": "事件",
                "处置时限": "2",
                "默认单位": "ZZ",
            },
        ],
    )
    assert (rep["inserted"], rep["updated"]) == (1, 1)
    assert [r["row"] for r in rep["rejected"]] == [3, 4, 5, 6]
    kind = session.execute(text("SELECT kind FROM categories WHERE code = 'manhole'")).scalar()
    assert kind == "部件"
    case_id = report(app, "parking")  # the code in use keeps working
    step(app, "worker_a", case_id, "transitions", {"to": "accepted"})
    refused = step(app, "worker_a", case_id, "transitions", {"to": "resolved", "note": "已劝离"})
    assert refused.status_code == 422
    assert "处置照片" in refused.get_json()["message"]
    assert upload(app, "worker_a", case_id, jpeg_with_gps(), stage="handling").status_code == 201
    done = step(app, "worker_a", case_id, "transitions", {"to": "resolved", "note": "已劝离"})
    assert done.get_json()["status"] == "resolved"


def test_a_report_carries_its_photos_in_json_and_through_open311(app) -> None:  # type: ignore[no-untyped-def]
    """Photos on intake: base64 (or a data: URL) in the JSON API's `photos`, a multipart
    `media` file on Open311, whose answer then gives the public copy as media_url. A photo
    that is not one refuses the report whole (nothing is written); a media_url is refused
    (this server fetches nothing from elsewhere)."""
    import base64

    from tests.fixtures import m_point

    lon, lat = m_point(120, 120)
    raw = jpeg_with_gps()
    body = {
        "lon": lon,
        "lat": lat,
        "category": "noise",
        "description": "夜间施工噪声",
        "photos": [
            base64.b64encode(raw).decode(),
            "data:image/jpeg;base64," + base64.b64encode(jpeg_with_gps((1, 2, 3))).decode(),
        ],
    }
    street = keyed(app, "street-key")
    made = street.post("/api/v1/cases", json=body)
    assert made.status_code == 201, made.get_json()
    photos = street.get(f"/api/v1/cases/{made.get_json()['id']}/media").get_json()
    assert [p["stage"] for p in photos] == ["report", "report"]
    assert photos[0]["place"]["lon"] > 120  # kept for staff
    before = street.get("/api/v1/cases?limit=1").get_json()["total"]
    bad = street.post(
        "/api/v1/cases", json={**body, "photos": [base64.b64encode(b"%PDF").decode()]}
    )
    assert bad.status_code == 422
    assert "JPEG" in bad.get_json()["message"]
    assert street.post("/api/v1/cases", json={**body, "photos": ["不是base64"]}).status_code == 400
    assert street.get("/api/v1/cases?limit=1").get_json()["total"] == before  # nothing written
    anon = app.test_client()
    form = {
        "service_code": "noise",
        "lat": str(lat),
        "long": str(lon),
        "description": "广场舞音响太响",
        "media": (io.BytesIO(raw), "p.jpg"),
    }
    posted = anon.post("/open311/v2/requests.json", data=form, content_type="multipart/form-data")
    assert posted.status_code == 201, posted.get_data(as_text=True)
    token = posted.get_json()[0]["service_request_id"]
    one = anon.get(f"/open311/v2/requests/{token}.json").get_json()[0]
    assert one["media_url"].endswith("/api/v1/media/" + hashlib.sha256(raw).hexdigest())
    public = anon.get(one["media_url"].split("localhost", 1)[-1])
    assert public.status_code == 200
    assert b"TestPhone" not in public.data  # no EXIF in the public copy
    fetched = anon.post(
        "/open311/v2/requests.json",
        data={
            **{k: v for k, v in form.items() if k != "media"},
            "media_url": "http://10.0.0.1/x.jpg",
        },
    )
    assert fetched.status_code == 400


def test_a_phones_photo_of_several_megabytes_is_taken_and_other_bodies_keep_their_limit(
    app,
) -> None:  # type: ignore[no-untyped-def]
    """Requests carrying photos have their own limit (GRIDMAP_MAX_UPLOAD_BYTES, 32 MB): a
    phone's 3 MB photo is taken where any other body stops at 1 MB."""
    import os

    noise = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=95)
    big = out.getvalue()
    assert len(big) > 2 << 20
    case_id = report(app, "noise")
    # the body encoded here in memory (the test client spools a large one to a file it
    # leaves open)
    boundary, body = encode_multipart(
        {"stage": "handling", "file": FileStorage(io.BytesIO(big), "big.jpg")}
    )
    r = keyed(app, "street-key").post(
        f"/api/v1/cases/{case_id}/media",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert r.status_code == 201
    padded = {"to": "accepted", "note": "x" * (2 << 20)}
    r = keyed(app, "street-key").post(f"/api/v1/cases/{case_id}/transitions", json=padded)
    assert r.status_code == 413
