"""Photos of cases (issue #29): checked by content, the phone's position kept for staff and
stripped from every copy served to anyone else, thumbnails, 9 a stage, Open311's media_url."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

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
    assert fake.status_code == 400
    assert "JPEG" in fake.get_json()["message"]
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, format="GIF")
    assert upload(app, "street", case_id, gif.getvalue(), name="a.gif").status_code == 400
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
                "大类": "公用设施",
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
