"""The categories as a catalogue of two levels (issue #29): 大类 codes with one name each,
GB/T 30428.2 小类 codes under their 大类, a dispatch limit beside the handling limit, and on each
case its dispatch due time and whether it was dispatched by it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from geo.cases.catalogue import load_categories
from tests.cases.test_desk import move, report, step
from tests.conftest import keyed


def _row(code: str, **more: str) -> dict[str, str]:
    return {"编码": code, "名称": f"类{code}", "类型": "事件", "处置时限": "24", **more}


def test_a_catalogue_file_keeps_each_class_one_name_and_national_codes_under_their_class(
    session,  # type: ignore[no-untyped-def]
) -> None:
    rep = load_categories(
        session,
        [
            _row(
                "lamp", 名称="路灯", 类型="部件", 大类="公用设施类", 大类编码="01", 国标编码="0113"
            ),
            _row("stall", 大类="街面秩序类", 大类编码="05", 派遣时限="0.25"),  # joins 05
            _row("noise_night", 大类="基层治理"),  # no code: the class held under its name
            _row("bad_name", 大类="别的名字", 大类编码="05"),  # 05 is 街面秩序类
            _row("bad_national", 大类="街面秩序类", 大类编码="05", 国标编码="0301"),
            _row("bad_digits", 大类="街面秩序类", 大类编码="05", 国标编码="05x1"),
            _row("bad_dispatch", 大类="基层治理", 派遣时限="0"),
            _row("no_group_code", 大类="从未有过的大类"),
        ],
    )
    assert (rep["inserted"], rep["updated"]) == (3, 0), rep
    reasons = {r["row"]: r["reason"] for r in rep["rejected"]}
    assert sorted(reasons) == [4, 5, 6, 7, 8]
    assert "街面秩序类" in reasons[4]
    assert "不在大类「05」之下" in reasons[5]
    assert "4 至 8 位数字" in reasons[6]
    assert "派遣时限" in reasons[7]
    assert "大类编码" in reasons[8]
    held = {
        r.code: r
        for r in session.execute(
            text("SELECT code, kind, group_code, national_code, dispatch_hours FROM categories")
        )
    }
    assert (held["lamp"].kind, held["lamp"].group_code, held["lamp"].national_code) == (
        "部件",
        "01",
        "0113",
    )
    assert (held["stall"].group_code, held["stall"].dispatch_hours) == ("05", 0.25)
    assert (held["noise_night"].group_code, held["noise_night"].dispatch_hours) == ("JC", 1.0)
    assert "bad_name" not in held
    assert "no_group_code" not in held


def test_the_catalogue_answers_in_two_levels_and_部件_01_is_not_事件_01(app, session) -> None:  # type: ignore[no-untyped-def]
    load_categories(session, [_row("lamp", 类型="部件", 大类="公用设施类", 大类编码="01")])
    session.commit()
    groups = keyed(app, "worker_a-key").get("/api/v1/categories").get_json()
    keys = [(g["kind"], g["code"]) for g in groups]
    assert keys[0] == ("部件", "01")
    assert ("事件", "01") in keys
    assert len(keys) == len(set(keys))
    street = next(g for g in groups if (g["kind"], g["code"]) == ("事件", "05"))
    assert street["name"] == "街面秩序类"
    assert {c["code"] for c in street["categories"]} >= {"street_order", "outdoor_display"}
    order = next(c for c in street["categories"] if c["code"] == "outdoor_display")
    assert (order["dispatch_hours"], order["default_unit"]) == (0.5, "CG")
    assert app.test_client().get("/api/v1/categories").status_code == 401


def test_a_case_carries_its_dispatch_limit_and_a_late_dispatch_is_not_on_time(app, session) -> None:  # type: ignore[no-untyped-def]
    case_id = report(app, "outdoor_display")  # dispatched to its grid at intake: on time
    case = keyed(app, "street-key").get(f"/api/v1/cases/{case_id}").get_json()
    created = datetime.fromisoformat(case["created_at"])
    due = datetime.fromisoformat(case["dispatch"]["due_at"])
    assert due - created == timedelta(minutes=30)  # 街面秩序: half an hour, calendar hours
    assert case["dispatch"]["on_time"] is True
    assert case["category"]["group"] == {"code": "05", "name": "街面秩序类"}
    assert move(app, "worker_a", case_id, "returned").status_code == 200  # 退回
    session.execute(  # the half hour passes while it waits for the desk
        text("UPDATE cases SET dispatch_due_at = now() - interval '1 minute' WHERE id = :i"),
        {"i": case_id},
    )
    session.commit()
    again = step(app, "command", case_id, "dispatch", {"note": "改派中队"}).get_json()
    assert again["dispatch"]["on_time"] is False
    assert datetime.fromisoformat(again["dispatch"]["at"]) > datetime.fromisoformat(
        again["dispatch"]["due_at"]
    )
