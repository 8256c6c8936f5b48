"""Deliberation meetings (issue #17): scheduled at a place by its area's staff or commissioner,
a case put on the agenda, the decision and its actions, and the case closed by them — every
step in the case's trail; counts by place, class and outcome; the meetings layer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import keyed
from tests.fixtures import COMPOUND, STREET, m_point

SOON = (date.today() + timedelta(days=14)).isoformat()


def meeting(**over: object) -> dict[str, object]:
    return {
        "kind": "小区说事亭",
        "place_kind": "compound",
        "place_code": COMPOUND,
        "held_on": date.today().isoformat(),
        "topic": "楼道堆物清理",
        "topic_class": "消防安全",
        "participants": {"residents_committee": 2, "property": 1, "residents": 6},
        **over,
    }


def test_who_may_schedule_a_meeting_and_where(app) -> None:  # type: ignore[no-untyped-def]
    made = keyed(app, "compound-key").post("/api/v1/meetings", json=meeting())
    assert made.status_code == 201, made.get_json()
    out = made.get_json()
    assert out["status"] == "scheduled"
    assert out["place"]["name"] == "测试新村"
    assert out["participants"] == {"residents_committee": 2, "property": 1, "residents": 6}
    assert keyed(app, "outsider-key").post("/api/v1/meetings", json=meeting()).status_code == 403
    assert keyed(app, "planner-key").post("/api/v1/meetings", json=meeting()).status_code == 403
    nowhere = keyed(app, "community-key").post(
        "/api/v1/meetings", json=meeting(place_code=COMPOUND + "9")
    )
    assert nowhere.status_code in (403, 422)  # not in the area, or no such place
    bad = keyed(app, "community-key").post("/api/v1/meetings", json=meeting(topic_class="杂事"))
    assert bad.status_code == 400
    assert "topic_class" in bad.get_json()["message"]
    side = keyed(app, "community-key").post(
        "/api/v1/meetings", json=meeting(participants={"aliens": 3})
    )
    assert side.status_code == 400


def test_a_case_goes_on_the_agenda_and_the_decisions_actions_close_it(  # type: ignore[no-untyped-def]
    app, client
) -> None:
    staff = keyed(app, "community-key")
    lon, lat = m_point(60, 150)
    case = client.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "property_service", "description": "物业费争议"},
    ).get_json()
    m = staff.post("/api/v1/meetings", json=meeting(kind="红茶议事会", topic_class="物业服务"))
    mid = m.get_json()["id"]
    on = staff.post(f"/api/v1/meetings/{mid}/agenda", json={"case_id": case["id"]})
    assert on.status_code == 200, on.get_json()
    assert on.get_json()["agenda"][0]["case_id"] == case["id"]
    trail = client.get(f"/api/v1/cases/{case['id']}").get_json()
    assert trail["status"] == "accepted"  # taken up by the meeting
    assert [e["kind"] for e in trail["events"]][-2:] == ["agenda", "transition"]
    decided = staff.post(
        f"/api/v1/meetings/{mid}/decision",
        json={
            "decisions": "物业一周内公示收支；业委会牵头测算酬金比例",
            "outcome": "agreed",
            "actions": [
                {"action": "公示收支", "owner": "物业", "due_on": SOON},
                {"action": "测算酬金比例", "owner": "业委会", "due_on": SOON},
            ],
        },
    ).get_json()
    assert decided["status"] == "decided"
    assert len(decided["actions"]) == 2
    late = staff.post(f"/api/v1/meetings/{mid}/agenda", json={"case_id": case["id"]})
    assert late.status_code == 409  # the agenda closes with the decision
    trail = client.get(f"/api/v1/cases/{case['id']}").get_json()
    assert trail["events"][-1]["kind"] == "decided"
    assert "酬金比例" in trail["events"][-1]["note"]
    first, second = (a["id"] for a in decided["actions"])
    one = staff.post(f"/api/v1/meetings/{mid}/actions/{first}/done", json={"note": "已公示"})
    assert one.get_json()["status"] == "decided"
    assert client.get(f"/api/v1/cases/{case['id']}").get_json()["status"] == "accepted"
    again = staff.post(f"/api/v1/meetings/{mid}/actions/{first}/done", json={})
    assert again.status_code == 409
    done = staff.post(f"/api/v1/meetings/{mid}/actions/{second}/done", json={}).get_json()
    assert done["status"] == "closed"
    assert done["agenda"][0]["status"] == "resolved"  # its verification is someone else's
    trail = client.get(f"/api/v1/cases/{case['id']}").get_json()
    assert trail["status"] == "resolved"
    moves = [(e["from"], e["to"]) for e in trail["events"] if e["kind"] == "transition"]
    assert moves[-2:] == [("assigned", "accepted"), ("accepted", "resolved")]
    assert all(e["actor"] == "community" for e in trail["events"][-3:])
    verified = keyed(app, "inspector-key").post(
        f"/api/v1/cases/{case['id']}/verify", json={"passed": True}
    )
    assert verified.get_json()["status"] == "closed"
    closed = staff.post("/api/v1/meetings", json=meeting()).get_json()["id"]
    refused = staff.post(f"/api/v1/meetings/{closed}/agenda", json={"case_id": case["id"]})
    assert refused.status_code == 409  # a closed case goes on no agenda


def test_counts_by_place_class_and_outcome_and_the_layer(app, client) -> None:  # type: ignore[no-untyped-def]
    staff = keyed(app, "community-key")
    for topic_class, outcome in (
        ("消防安全", "agreed"),
        ("垃圾分类", "deferred"),
        ("消防安全", None),
    ):
        mid = staff.post("/api/v1/meetings", json=meeting(topic_class=topic_class)).get_json()["id"]
        if outcome:
            staff.post(
                f"/api/v1/meetings/{mid}/decision",
                json={"decisions": "议定", "outcome": outcome, "actions": []},
            )
    counts = client.get(f"/api/v1/stats/meetings?street={STREET}").get_json()
    assert counts["total"] == 3
    assert counts["by_topic_class"] == {"消防安全": 2, "垃圾分类": 1}
    assert counts["by_outcome"] == {"agreed": 1, "deferred": 1, "pending": 1}
    assert counts["by_status"] == {"closed": 2, "scheduled": 1}  # no actions: closed at once
    assert counts["by_place_kind"] == {"compound": 3}
    assert client.get("/api/v1/stats/meetings?street=330105002").get_json()["total"] == 0
    listed = client.get(f"/api/v1/meetings?place_code={COMPOUND}&topic_class=消防安全").get_json()
    assert len(listed) == 2
    compound = client.get(f"/api/v1/compounds/{COMPOUND}").get_json()
    assert len(compound["meetings"]) == 3
    fc = client.get("/api/v1/layers/meetings.geojson").get_json()
    assert len(fc["features"]) == 3
    assert {f["geometry"]["type"] for f in fc["features"]} == {"Point"}


@pytest.mark.demo
def test_the_demo_holds_the_documented_meetings(demo_url: str) -> None:
    """Six 红茶议事会 at 河罕上街区 agreeing the 一米红线 and 门前三包, the five classes at
    小河直街历史街区, more than ten on 大浒东苑BC区's fee reform, and a year of others."""
    from tests.fixtures import SETTINGS
    from webmap import create_app

    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    place = {r["name"]: r for r in c.get("/api/v1/search?q=河罕上街区").get_json()["results"]}
    block = place["河罕上街区"]["code"]
    held = c.get(f"/api/v1/meetings?place_code={block}").get_json()
    red_tea = [m for m in held if m["kind"] == "红茶议事会" and m["outcome"] == "agreed"]
    assert len(red_tea) >= 6
    decided = " ".join(
        c.get(f"/api/v1/meetings/{m['id']}").get_json()["decisions"] for m in red_tea
    )
    assert "一米红线" in decided
    assert "门前三包" in decided
    xiaohe = c.get("/api/v1/search?q=小河直街历史街区").get_json()["results"][0]["code"]
    classes = {m["topic_class"] for m in c.get(f"/api/v1/meetings?place_code={xiaohe}").get_json()}
    assert {"设施维修", "垃圾分类", "消防安全", "环境整治", "街区发展"} <= classes
    dahu = c.get("/api/v1/search?q=大浒东苑BC区").get_json()["results"][0]["code"]
    reform = c.get(f"/api/v1/meetings?place_code={dahu}&topic_class=物业服务").get_json()
    assert len([m for m in reform if m["topic"].startswith("酬金制改革")]) > 10
    assert (
        c.get(f"/api/v1/compounds/{dahu}").get_json()["three_parties"]["property"]["fee_model"]
        == "酬金制"
    )
    counts = c.get("/api/v1/stats/meetings").get_json()
    assert counts["total"] > 300
    assert set(counts["by_place_kind"]) >= {"compound", "residential_building", "open_block"}
    assert counts["by_status"].get("scheduled", 0) > 0
    assert counts["by_actions"]["done"] > 0


def test_a_meeting_moves_no_case_its_caller_may_not_move(app, client) -> None:  # type: ignore[no-untyped-def]
    """A compound commissioner may not move cases (/transitions answers 403), so neither may
    their meeting: taking a case up through the agenda, or closing it by a decision, is
    refused and moves nothing; staff, who may move cases, still do it through a meeting."""
    staff, commissioner = keyed(app, "community-key"), keyed(app, "compound-key")
    lon, lat = m_point(100, 100)  # inside the commissioner's compound
    case = client.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "property_service", "description": "电梯停运"},
    ).get_json()
    assert case["status"] == "assigned"
    moved = commissioner.post(f"/api/v1/cases/{case['id']}/transitions", json={"to": "accepted"})
    assert moved.status_code == 403
    mid = commissioner.post("/api/v1/meetings", json=meeting()).get_json()["id"]
    taken = commissioner.post(f"/api/v1/meetings/{mid}/agenda", json={"case_id": case["id"]})
    assert taken.status_code == 403
    assert client.get(f"/api/v1/cases/{case['id']}").get_json()["status"] == "assigned"
    on = staff.post(f"/api/v1/meetings/{mid}/agenda", json={"case_id": case["id"]})
    assert on.status_code == 200, on.get_json()
    decision = {"decisions": "物业当日修复电梯", "outcome": "agreed", "actions": []}
    closing = commissioner.post(f"/api/v1/meetings/{mid}/decision", json=decision)
    assert closing.status_code == 403
    assert client.get(f"/api/v1/cases/{case['id']}").get_json()["status"] == "accepted"
    assert staff.get(f"/api/v1/meetings/{mid}").get_json()["status"] == "scheduled"
    done = staff.post(f"/api/v1/meetings/{mid}/decision", json=decision)
    assert done.get_json()["status"] == "closed"
    assert client.get(f"/api/v1/cases/{case['id']}").get_json()["status"] == "resolved"


def test_an_agenda_shows_a_case_only_to_those_who_may_read_it(app, client) -> None:  # type: ignore[no-untyped-def]
    """A planner reads no case anywhere, so not on a meeting's agenda either: the agenda keeps
    the case's number and status, without its category and description."""
    staff = keyed(app, "community-key")
    lon, lat = m_point(60, 150)
    case = client.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "dispute", "description": "邻里噪音纠纷 王某"},
    ).get_json()
    mid = staff.post("/api/v1/meetings", json=meeting()).get_json()["id"]
    assert (
        staff.post(f"/api/v1/meetings/{mid}/agenda", json={"case_id": case["id"]}).status_code
        == 200
    )
    seen = staff.get(f"/api/v1/meetings/{mid}").get_json()["agenda"][0]
    assert seen["description"] == "邻里噪音纠纷 王某"
    planner = keyed(app, "planner-key").get(f"/api/v1/meetings/{mid}").get_json()
    item = planner["agenda"][0]
    assert item["case_id"] == case["id"]
    assert item["description"] is None
    assert item["category"] is None
    assert "王某" not in str(planner)


def test_the_participants_body_names_every_side_and_no_other() -> None:
    from geo.meetings.words import MEETING_SIDES
    from webmap.api.meetings import Participants

    assert list(Participants.model_fields) == list(MEETING_SIDES)


def test_a_joint_meeting_of_the_three_parties_is_recorded_with_who_attended(app) -> None:  # type: ignore[no-untyped-def]
    """三方协同联席会议 at a street (its 三方办's), with the three parties' attendance: counted
    on the 居民小区 figures, and those the three parties all attended."""
    staff = keyed(app, "street-key")
    base = meeting(
        kind="联席会议",
        place_kind="street",
        place_code=STREET,
        topic="业委会换届指导",
        topic_class="物业服务",
    )
    full = staff.post(
        "/api/v1/meetings",
        json={
            **base,
            "participants": {
                "residents_committee": 2,
                "owners_committee": 1,
                "property": 1,
                "departments": 3,
            },
        },
    )
    assert full.status_code == 201, full.get_json()
    assert full.get_json()["place"]["name"] == "米市巷街道"
    short = staff.post(
        "/api/v1/meetings",
        json={**base, "participants": {"residents_committee": 2, "owners_committee": 1}},
    )
    assert short.status_code == 201
    out = staff.get(f"/api/v1/stats/residential?street={STREET}").get_json()
    assert out["joint_meetings"] == {"held": 2, "three_parties_present": 1}
    assert keyed(app, "outsider-key").post("/api/v1/meetings", json=base).status_code == 403
    nowhere = staff.post("/api/v1/meetings", json={**base, "place_code": "330105001999"})
    assert nowhere.status_code in (403, 422)


@pytest.mark.demo
def test_the_three_party_offices_stand_at_three_levels_with_their_staff(demo_url: str) -> None:
    """区、街、社三级“三方办” (the seed): a unit at the district, each street and each community,
    the street's and community's staff its staff (what is dispatched to it reaches them)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(demo_url)
    with engine.connect() as k:
        levels = dict(
            k.execute(
                text(
                    "SELECT length(area_code), count(*) FROM units "
                    "WHERE kind = 'three_party_office' GROUP BY 1"
                )
            ).all()
        )
        streets, communities = k.execute(
            text("SELECT (SELECT count(*) FROM streets), (SELECT count(*) FROM communities)")
        ).one()
        staff = (
            k.execute(
                text(
                    "SELECT r.code FROM accounts a JOIN account_areas r ON r.account_id = a.id "
                    "WHERE a.username = 'community' AND r.kind = 'unit'"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert levels == {6: 1, 9: streets, 12: communities}
    assert len(staff) == 1
    assert staff[0].endswith("SF")
